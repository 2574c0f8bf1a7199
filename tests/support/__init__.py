"""Reusable test support: the loopback fake registry."""
