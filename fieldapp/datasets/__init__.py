"""Datasets: bodies of knowledge with shared provenance."""
