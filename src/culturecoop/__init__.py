"""culturecoop: an open-source data cooperative for cultural organizations."""

__version__ = "0.1.0"
