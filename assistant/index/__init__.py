"""The second stage: embedding, the index generations on disk, and building them."""
