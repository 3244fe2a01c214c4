"""fieldapp: co-produced coastal knowledge on shared maps."""

from fieldapp.app import create_app

__version__ = "0.1.0"
__all__ = ["create_app", "__version__"]
