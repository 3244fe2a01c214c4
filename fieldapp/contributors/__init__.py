"""Contributors (people and groups) and how they are credited."""
