"""Gradscape's desktop interface (PySide6). ``__version__`` is the application's one version number."""
__version__ = "0.1.0"
