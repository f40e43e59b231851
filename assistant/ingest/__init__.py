"""The first stage: corpus files read into pages, passages, action rows and status items."""
