"""Sensing: what every source says about change in one subject and place, side by side over time."""
