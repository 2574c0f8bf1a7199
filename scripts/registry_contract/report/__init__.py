"""Pure renderers: GateResult -> text, markdown, json, junit, sarif."""
