"""Subjects: taxa, habitats and other phenomena, with their names in every community."""
