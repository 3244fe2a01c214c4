"""Site pages that belong to no single capability (the home page)."""
