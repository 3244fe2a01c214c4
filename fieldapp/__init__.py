"""fieldapp: co-produced coastal knowledge on shared maps."""

from fieldapp.app import create_app
from fieldapp.config import VERSION as __version__

__all__ = ["create_app", "__version__"]
