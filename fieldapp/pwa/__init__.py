"""What makes the site work as an installable, offline-capable app on a weak signal."""
