"""Places: a gazetteer of bays, reefs, rocks, slipways and fishing marks, in every language, gated like records."""
