"""Co-designed projects: partners, datasets, a co-production declaration and a protocol shaped in the open."""
