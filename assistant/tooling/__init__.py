"""Tooling beside the product path: the evaluation, fitting what answers learn, benchmarks."""
