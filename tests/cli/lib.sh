# Shared helpers for the tests/cli/*.sh scripts that source it (not a test itself: files ending in
# lib.sh are skipped by ctest, and it exits 0 when run on its own).
[[ "${BASH_SOURCE[0]}" == "$0" ]] && exit 0

set -uo pipefail
EGG=${1:?usage: $0 path/to/egg}
EGG=$(realpath "$EGG")
# Test-only: Argon2id INTERACTIVE instead of MODERATE, so each unlock takes ~0.2 s.
export EGG_TEST_FAST_KDF=1
unset EGG_PASSPHRASE_FILE CREDENTIALS_DIRECTORY EGG_TEST_CRASH_AT
T=$(mktemp -d /tmp/egg-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

# secret_file NAME CONTENT -> path of a 0600 file holding CONTENT (printf %s, no newline added)
secret_file() {
  local f="$T/$1"
  (umask 077 && printf '%s' "$2" >"$f")
  echo "$f"
}

# expect CODE DESCRIPTION -- command...   (stdout/stderr kept in $T/out, $T/err)
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$T/out" 2>"$T/err" </dev/null
  local got=$?
  if [[ $got == "$want" ]]; then ok "$what (exit $got)"; else
    fail "$what: exit $got, wanted $want"
    sed 's/^/    stderr: /' "$T/err" >&2
  fi
}

# Runs egg with no controlling terminal, so the terminal source is really absent.
egg_notty() { setsid -w "$EGG" "$@"; }

finish() {
  if ((FAILS > 0)); then echo "$FAILS failure(s)" >&2; exit 1; fi
  echo "all passed"
}
