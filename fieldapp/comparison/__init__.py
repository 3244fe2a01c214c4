"""Symmetric comparison of two selections of knowledge on a grid."""
