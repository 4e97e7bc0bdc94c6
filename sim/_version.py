"""The package version (one place; the package and its records read it here)."""

__version__ = "0.2.0"
