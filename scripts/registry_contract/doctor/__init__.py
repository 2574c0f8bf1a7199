"""`registry-contract doctor`: checks of the config, the lock, fixtures and the registry."""
