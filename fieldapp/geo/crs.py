"""Coordinate reference systems: one storage SRID, and the deployment's metric CRS."""

STORAGE_SRID = 4326
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
# Jersey's bounding box in EPSG:4326 (lon/lat): the deployment's area of interest.
JERSEY_BBOX = (-2.30, 49.13, -1.90, 49.30)
