"""Validation: validators built once per schema, jsonschema-rs deciding, ECMA-262 regexes,
`$ref` scanning and metaschemas."""
