"""Notifications: what happened to my records and my annotations, in an inbox, and by email digest."""
