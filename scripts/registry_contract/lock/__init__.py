"""The lock: reading and verifying schemas-lock/, writing it atomically, git refs, paths."""
