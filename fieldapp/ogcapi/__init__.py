"""OGC API - Features (Part 1: Core, GeoJSON, OpenAPI 3.0) over the public geometry of observations."""
