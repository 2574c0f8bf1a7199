"""Composite stand-ins for the pinned third-party actions, resolved by act's --local-repository."""

from __future__ import annotations

from pathlib import Path


def write_stubs(dest: Path, python: str, virtualenv: str) -> dict[str, Path]:
    """Composite stand-ins for the pinned third-party actions."""
    stubs = {
        "actions/checkout": STUB_CHECKOUT,
        "actions/setup-python": STUB_SETUP_PYTHON.replace("@PYTHON@", python).replace(
            "@VIRTUALENV@", virtualenv
        ),
        "actions/upload-artifact": STUB_UPLOAD_ARTIFACT,
        "actions/cache": STUB_CACHE,
        "actions/create-github-app-token": STUB_APP_TOKEN,
    }
    paths = {}
    for name, text in stubs.items():
        folder = dest / name.replace("/", "-")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "action.yml").write_text(text, "utf-8")
        paths[name] = folder
    return paths


# act copies the workspace itself for a checkout of the repository under test; this stub only
# runs if a workflow checks out something else, which ours must not do.
STUB_CHECKOUT = """\
name: checkout (e2e stub)
description: Fails, because act should have copied the workspace instead of running checkout.
inputs:
  repository: {description: ignored, required: false}
  ref: {description: ignored, required: false}
  fetch-depth: {description: ignored, required: false}
  persist-credentials: {description: ignored, required: false}
runs:
  using: composite
  steps:
    - shell: bash
      run: echo "::error::the checkout stub ran; act did not copy the workspace" && exit 1
"""

STUB_SETUP_PYTHON = """\
name: setup-python (e2e stub)
description: The test's Python, like setup-python's tool cache; PATH gets a fresh virtualenv of it.
inputs:
  python-version: {description: recorded, required: false, default: ""}
  update-environment: {description: put it on PATH, required: false, default: "true"}
outputs:
  python-version: {description: the version, value: "${{ steps.python.outputs.python-version }}"}
  python-path: {description: the interpreter, value: "${{ steps.python.outputs.python-path }}"}
runs:
  using: composite
  steps:
    - id: python
      shell: bash
      env:
        WANTED: ${{ inputs.python-version }}
        UPDATE: ${{ inputs.update-environment }}
      run: |
        echo "setup-python stub: asked for python-version=$WANTED"
        python="@PYTHON@"
        if [ "$UPDATE" = true ]; then
          # On PATH, pip would install into it: hand out a private virtualenv instead.
          dir="$(mktemp -d "$RUNNER_TEMP/setup-python-XXXXXX")"
          "@VIRTUALENV@" --quiet --no-periodic-update --python "$python" "$dir"
          echo "$dir/bin" >> "$GITHUB_PATH"
          python="$dir/bin/python"
        fi
        echo "python-version=$("$python" -c 'import platform; print(platform.python_version())')" >> "$GITHUB_OUTPUT"
        echo "python-path=$python" >> "$GITHUB_OUTPUT"
"""

STUB_UPLOAD_ARTIFACT = """\
name: upload-artifact (e2e stub)
description: Copies the files to $RCG_E2E_ARTIFACTS/NAME, where the test can read them.
inputs:
  name: {description: artifact name, required: false, default: artifact}
  path: {description: files, required: true}
  if-no-files-found: {description: ignored, required: false, default: warn}
  retention-days: {description: ignored, required: false, default: ""}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        NAME: ${{ inputs.name }}
        FILES: ${{ inputs.path }}
      run: |
        mkdir -p "$RCG_E2E_ARTIFACTS/$NAME"
        # Like upload-artifact: a folder uploads its contents, a file itself.
        while IFS= read -r file; do
          if [ -d "$file" ]; then cp -r "$file/." "$RCG_E2E_ARTIFACTS/$NAME/"
          elif [ -e "$file" ]; then cp "$file" "$RCG_E2E_ARTIFACTS/$NAME/"; fi
        done <<< "$FILES"
        echo "upload-artifact stub: $NAME"
"""

# action.yml skips its pip cache when PIP_NO_INDEX is set; this stub is never expected to run.
STUB_CACHE = """\
name: cache (e2e stub)
description: Fails, because an offline install must not restore or save a pip cache.
inputs:
  path: {description: ignored, required: false}
  key: {description: ignored, required: false}
runs:
  using: composite
  steps:
    - shell: bash
      run: echo "::error::the cache stub ran" && exit 1
"""


# Hands out $RCG_E2E_APP_TOKEN, which the test's fake GitHub accepts instead of GITHUB_TOKEN.
STUB_APP_TOKEN = """\
name: create-github-app-token (e2e stub)
description: Checks the inputs and answers with the token the test chose.
inputs:
  app-id: {description: required, required: true}
  private-key: {description: required, required: true}
  permission-contents: {description: recorded, required: false, default: ""}
  permission-pull-requests: {description: recorded, required: false, default: ""}
outputs:
  token: {description: the token, value: "${{ steps.mint.outputs.token }}"}
runs:
  using: composite
  steps:
    - id: mint
      shell: bash
      env:
        APP_ID: ${{ inputs.app-id }}
        KEY: ${{ inputs.private-key }}
        CONTENTS: ${{ inputs.permission-contents }}
        PULLS: ${{ inputs.permission-pull-requests }}
      run: |
        if [ -z "$APP_ID" ] || [ -z "$KEY" ]; then echo "::error::app-id and private-key are required"; exit 1; fi
        echo "create-github-app-token stub: app $APP_ID, contents=$CONTENTS, pull-requests=$PULLS"
        echo "::add-mask::$RCG_E2E_APP_TOKEN"
        echo "token=$RCG_E2E_APP_TOKEN" >> "$GITHUB_OUTPUT"
"""
