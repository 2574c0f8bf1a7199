"""Gate pull requests on the JSON Schemas of a schema registry."""

__version__ = "0.1.0"
