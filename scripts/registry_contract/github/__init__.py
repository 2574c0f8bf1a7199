"""GitHub: the Actions environment (outputs, summary, annotations) and the REST client."""
