"""Observations: the one record model for every kind of knowledge."""
