"""Moving data in and out: imports from files (CSV, GeoJSON, GeoPackage, Shapefile, KML, GPX, DwC-A) and exports."""
