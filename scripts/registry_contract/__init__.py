"""Gate pull requests on the JSON Schemas of a schema registry."""

__version__ = "0.1.0"

# How consumers name our action and reusable workflows (`uses: ACTION_REPOSITORY...@ACTION_REF`);
# tests/e2e/test_lint.py holds every workflow, example and doc to it, so a release changes it here.
ACTION_REPOSITORY = "org/registry-contract-action"
ACTION_REF = "v1"
