#!/usr/bin/env bash
# Round trip against the real packages: the bundled Core 1 example must
# type-check against @clerk/clerk-sdk-node 4.13.23; after `check --fix` on a
# copy, every error `tsc` still reports against 5.1.6 must sit on a line that
# carries one of our findings (a change that needs a person), and a second
# `check --fix` must change nothing.
#
# Installs exact package versions with npm into target/roundtrip (ignored by
# git); safe to run again. Run from anywhere:
#   bash .ci/roundtrip.sh
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
WORK=${ROUNDTRIP_DIR:-$ROOT/target/roundtrip}
BIN="$ROOT/target/release/clerk-core2-lsp"
EXAMPLE="$ROOT/examples/core1-express"
V4=4.13.23
V5=5.1.6
# The example's own ranges, pinned so that runs compare like with like.
COMMON=(typescript@5.4.5 @types/express@4.17.21 @types/node@20.14.0 express@4.19.2 dotenv@16.4.5)
passed=0
failed=0

step() { printf '\n==> %s\n' "$*"; }
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() {
  printf '\nroundtrip: %d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
  exit
}
setup_failed() {
  fail "$*"
  finish
}

# Installs one set of packages into $WORK/<name>, unless it is already there.
install() {
  local name=$1 clerk=$2 dir="$WORK/$1"
  local want="${COMMON[*]} @clerk/clerk-sdk-node@$clerk"
  if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ]; then
    echo "$name: already installed ($want)"
    return 0
  fi
  rm -rf "$dir" && mkdir -p "$dir" || return 1
  echo '{ "private": true }' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --save-exact "${COMMON[@]}" "@clerk/clerk-sdk-node@$clerk") || return 1
  echo "$want" >"$dir/.installed"
}

# A fresh copy of the example wired to one set of packages.
copy() {
  local name=$1 packages=$2 dir="$WORK/$1"
  rm -rf "$dir" && cp -R "$EXAMPLE" "$dir" && rm -rf "$dir/node_modules" "$dir/dist" &&
    ln -s "$WORK/$packages/node_modules" "$dir/node_modules"
}

# `tsc --noEmit` on a copy; prints the `file(line,col): error TSxxxx` lines.
typecheck() {
  (cd "$WORK/$1" && node "$WORK/$2/node_modules/typescript/bin/tsc" -p . --noEmit --pretty false) |
    grep -E '^[^ ].*\([0-9]+,[0-9]+\): error TS[0-9]+' || true
}

count() { if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l | tr -d ' '; fi; }

# Hashes of every file the checker may touch, to see whether a run changed any.
snapshot() {
  (cd "$WORK/$1" && find . -path ./node_modules -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum)
}

step "release binary"
cargo build --release --quiet || setup_failed "cargo build --release"
[ -x "$BIN" ] || setup_failed "no $BIN after the build"

step "packages (npm, exact versions)"
mkdir -p "$WORK" || setup_failed "cannot create $WORK"
install v4 "$V4" || setup_failed "npm install for @clerk/clerk-sdk-node@$V4"
install v5 "$V5" || setup_failed "npm install for @clerk/clerk-sdk-node@$V5"
echo "v5 pulled @clerk/backend $(node -p "require('$WORK/v5/node_modules/@clerk/backend/package.json').version")"

step "the example as committed type-checks against $V4"
copy unfixed-v4 v4 || setup_failed "copying the example"
errors=$(typecheck unfixed-v4 v4)
if [ -z "$errors" ]; then
  pass "tsc against $V4: 0 errors"
else
  printf '%s\n' "$errors"
  fail "tsc against $V4: $(count "$errors") errors in the unfixed example"
fi

step "the example as committed, against $V5 (what the fixes start from)"
copy unfixed-v5 v5 || setup_failed "copying the example"
before=$(typecheck unfixed-v5 v5)
printf '%s\n' "$before"
if [ -n "$before" ]; then
  pass "tsc against $V5 before fixes: $(count "$before") errors (v4 code does not compile against v5)"
else
  fail "tsc against $V5 before fixes: no errors, so the round trip proves nothing"
fi

step "check --fix on a copy"
copy fixed-v5 v5 || setup_failed "copying the example"
(cd "$WORK/fixed-v5" && "$BIN" check --fix . >/dev/null 2>"$WORK/fix1.err")
code=$?
cat "$WORK/fix1.err"
if [ "$code" -le 1 ]; then
  pass "check --fix exited with $code"
else
  fail "check --fix exited with $code"
fi

step "what is left, against $V5"
(cd "$WORK/fixed-v5" && "$BIN" check --format json . >"$WORK/findings.json" 2>/dev/null)
echo "findings left for a person:"
node -e 'for (const f of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))
  console.log(`  ${f.path}:${f.line} ${f.severity} ${f.rule}`)' "$WORK/findings.json"
after=$(typecheck fixed-v5 v5)
printf '%s\n' "$after" >"$WORK/tsc-after.txt"
printf '%s\n' "$after"
echo "v5 type errors: $(count "$before") before the fixes, $(count "$after") after"
# Every remaining error must lie on a line with one of our findings.
unexplained=$(node - "$WORK/findings.json" "$WORK/tsc-after.txt" <<'JS'
const fs = require('fs');
const [findingsPath, tscPath] = process.argv.slice(2);
const findings = JSON.parse(fs.readFileSync(findingsPath, 'utf8'));
const flagged = new Set();
for (const f of findings) {
  for (let l = f.line; l <= f.endLine; l++) flagged.add(`${f.path.replace(/^\.\//, '')}:${l}`);
}
for (const line of fs.readFileSync(tscPath, 'utf8').split('\n')) {
  const m = /^(.+)\((\d+),(\d+)\): error (TS\d+)/.exec(line);
  if (!m) continue;
  const at = `${m[1].replace(/^\.\//, '')}:${m[2]}`;
  const ours = findings.filter((f) => `${f.path.replace(/^\.\//, '')}:${f.line}` === at).map((f) => f.rule);
  if (flagged.has(at)) {
    console.error(`  ${at} ${m[4]} <- ${ours.join(', ') || 'a finding spanning this line'}`);
  } else {
    console.log(line);
  }
}
JS
)
if [ -z "$unexplained" ]; then
  pass "every remaining v5 type error is on a line with a finding ($(count "$after") left)"
else
  printf '%s\n' "$unexplained"
  fail "$(count "$unexplained") v5 type errors on lines without a finding"
fi

step "a second check --fix changes nothing"
first=$(snapshot fixed-v5)
(cd "$WORK/fixed-v5" && "$BIN" check --fix . >/dev/null 2>"$WORK/fix2.err")
cat "$WORK/fix2.err"
if [ "$first" = "$(snapshot fixed-v5)" ] && grep -q "Fixed 0 findings in 0 files." "$WORK/fix2.err"; then
  pass "second check --fix left every file as it was"
else
  diff <(printf '%s\n' "$first") <(snapshot fixed-v5)
  fail "second check --fix changed files"
fi

finish
