"""Geoprivacy: who sees precise locations, and how public geometry is generalised."""
