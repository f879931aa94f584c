#!/usr/bin/env bash
# Proof that the release build is one self-sufficient file: scripts/build-static.sh yields a fully
# static, stripped `egg`, and `egg version --json` / `egg --help` run inside a container whose
# filesystem holds nothing but that binary (`docker import` of a one-file tarball).
#
# Usage: tests/integration/static-binary.sh [--no-build] [BINARY]
#   default      runs scripts/build-static.sh (seconds when its cache is warm) and tests its output
#   --no-build   tests an existing binary (BINARY, else build/static/egg/egg) without building
# Needs: docker (the daemon), file, ldd, python3. Last line: "N passed, N failed"; exit 1 on failure.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD=1
BIN=""
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) BIN="$arg" ;;
  esac
done
BIN="${BIN:-$REPO/build/static/egg/egg}"
IMAGE="egg-static-test:latest"
COMPONENTS=(postgres vault s3 forgejo proxy runner)

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

WORK=$(mktemp -d)
imported=0
cleanup() {
  [ "$imported" = 1 ] && docker image rm -f "$IMAGE" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$BUILD" = 1 ]; then
  if "$REPO/scripts/build-static.sh" >"$WORK/build.log" 2>&1; then
    ok "scripts/build-static.sh succeeded"
  else
    tail -30 "$WORK/build.log"
    fail "scripts/build-static.sh failed"
    finish
  fi
fi
if [ ! -x "$BIN" ]; then
  fail "no binary at $BIN (run scripts/build-static.sh)"
  finish
fi

# ---- the file itself
desc=$(file -b "$BIN")
echo "     file: $desc"
case "$desc" in
  *"statically linked"*) ok "file says statically linked" ;;
  *) fail "file does not say statically linked" ;;
esac
case "$desc" in
  *"not stripped"*) fail "binary is not stripped" ;;
  *stripped*) ok "binary is stripped" ;;
  *) fail "file does not say stripped" ;;
esac
ldd_out=$(ldd "$BIN" 2>&1)
if grep -q "not a dynamic executable" <<<"$ldd_out"; then
  ok "ldd says not a dynamic executable"
else
  fail "ldd lists dependencies: $ldd_out"
fi
if readelf -lW "$BIN" 2>/dev/null | grep -qE '^\s*(INTERP|DYNAMIC)\b'; then
  fail "ELF has an INTERP or DYNAMIC segment"
else
  ok "ELF has no INTERP/DYNAMIC segment"
fi
echo "     size: $(stat -c %s "$BIN") bytes"

# glibc's static-link warnings name every NSS/dlopen entry point in the binary; build-static.sh
# records them. Only the known, unreached library paths may appear (docs/build.md).
warnings_file="$(dirname "$(dirname "$BIN")")/static-link-warnings.txt"
if [ -f "$warnings_file" ]; then
  expected=$(sed -nE 's/^EXPECTED_WARNINGS="([^"]*)"/\1/p' "$REPO/scripts/build-static.sh")
  unexpected=""
  while read -r sym; do
    [ -n "$sym" ] || continue
    case " $expected " in *" $sym "*) ;; *) unexpected+="$sym " ;; esac
  done <"$warnings_file"
  if [ -z "$unexpected" ]; then
    ok "no unexpected glibc NSS/dlopen symbols (linked: $(tr '\n' ' ' <"$warnings_file"))"
  else
    fail "egg links glibc NSS/dlopen functions that break on other distributions: $unexpected"
  fi
fi

# ---- a container whose filesystem is the binary and nothing else
if ! docker info >/dev/null 2>&1; then
  fail "docker daemon not reachable"
  finish
fi
install -m 0755 "$BIN" "$WORK/egg"
tar -C "$WORK" --owner=0 --group=0 --numeric-owner -cf "$WORK/rootfs.tar" egg
members=$(tar -tf "$WORK/rootfs.tar" | tr '\n' ' ')
if [ "$members" = "egg " ]; then
  ok "rootfs tarball holds only /egg"
else
  fail "rootfs tarball holds: $members"
fi
if docker import "$WORK/rootfs.tar" "$IMAGE" >/dev/null; then
  imported=1
  ok "docker import $IMAGE"
else
  fail "docker import failed"
  finish
fi

if docker run --rm --network none "$IMAGE" /egg version --json >"$WORK/version.json" 2>"$WORK/version.err"; then
  ok "egg version --json exits 0 in the one-file container"
else
  cat "$WORK/version.err"
  fail "egg version --json failed in the one-file container"
fi
if python3 - "$WORK/version.json" "${COMPONENTS[@]}" <<'EOF'; then
import json, sys
doc = json.load(open(sys.argv[1]))
comps = doc.get("components", {})
missing = [c for c in sys.argv[2:] if c not in comps]
assert doc.get("version"), "no version"
if missing:
    sys.exit("missing components: " + ", ".join(missing))
print("     version %s, commit %s, components %s" % (doc["version"], doc.get("commit"), ", ".join(sorted(comps))))
EOF
  ok "version JSON parses and lists ${COMPONENTS[*]}"
else
  head -c 2000 "$WORK/version.json"
  fail "version JSON does not parse or lacks components"
fi

if docker run --rm --network none "$IMAGE" /egg --help >"$WORK/help.out" 2>&1 && [ -s "$WORK/help.out" ]; then
  ok "egg --help exits 0 in the one-file container"
else
  cat "$WORK/help.out"
  fail "egg --help failed in the one-file container"
fi
if docker run --rm --network none "$IMAGE" /egg version >"$WORK/version.txt" 2>&1 && grep -q '^egg ' "$WORK/version.txt"; then
  ok "egg version (text) runs in the one-file container"
else
  cat "$WORK/version.txt"
  fail "egg version (text) failed in the one-file container"
fi

finish
