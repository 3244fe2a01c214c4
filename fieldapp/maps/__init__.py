"""Shared maps: folium builders, the one palette, vector tiles and the map pages."""
