"""Shared spatial vocabulary: CRS, GeoJSON SQL builders, filters and geometry fields."""
