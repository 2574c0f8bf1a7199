"""Adoption: `init` scaffolding and the pytest plugin with its support."""
