#!/usr/bin/env bash
# egg init / egg config check against the real binary: exit codes, the pointer on stderr, and
# that init never overwrites. Usage: config.sh path/to/egg
set -u
EGG=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect CODE PATTERN CMD...: runs CMD, checks the exit code and that stderr holds PATTERN.
expect() {
  local code=$1 pattern=$2
  shift 2
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  [ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code; stderr: $(cat "$T/err")"
  [ -z "$pattern" ] || grep -qF -- "$pattern" "$T/err" || fail "'$*' stderr lacks '$pattern': $(cat "$T/err")"
}

# bad NAME JQ-FILTER POINTER REASON: a config derived from the good one must be refused.
bad() {
  local name=$1 filter=$2 pointer=$3 reason=$4
  python3 -c "
import json, sys
c = json.load(open('$T/etc/egg.json'))
exec(sys.argv[1])
json.dump(c, open('$T/$name.json', 'w'))" "$filter"
  expect 2 "$T/$name.json: $pointer: " "$EGG" config check --config "$T/$name.json"
  grep -qF -- "$reason" "$T/err" || fail "$name: stderr lacks '$reason': $(cat "$T/err")"
}

# init writes a private file in a new private directory, and config check accepts it.
expect 0 "" "$EGG" init --domain forge.example.org --config "$T/etc/egg.json"
[ "$(stat -c %a "$T/etc/egg.json")" = 600 ] || fail "config mode is $(stat -c %a "$T/etc/egg.json"), want 600"
[ "$(stat -c %a "$T/etc")" = 700 ] || fail "new config dir mode is $(stat -c %a "$T/etc"), want 700"
expect 0 "" "$EGG" config check --config "$T/etc/egg.json"
head -1 "$T/out" | grep -qF "config OK: $T/etc/egg.json" || fail "text mode lacks 'config OK': $(head -1 "$T/out")"

# --json prints only the effective config, which is itself a valid config equal to the file.
expect 0 "" "$EGG" config check --config "$T/etc/egg.json" --json
cp "$T/out" "$T/effective.json"
cmp -s "$T/effective.json" "$T/etc/egg.json" || fail "effective config differs from what init wrote"
expect 0 "" "$EGG" config check --config "$T/effective.json" --json
cmp -s "$T/out" "$T/effective.json" || fail "effective config is not stable under a second check"

# A minimal file gets every default filled in.
echo '{"schema": 1, "domain": "forge.example.org"}' >"$T/min.json"
expect 0 "" "$EGG" config check --config "$T/min.json" --json
cmp -s "$T/out" "$T/effective.json" || fail "minimal config's effective form differs from init's"

# init refuses to overwrite, and --force replaces.
expect 2 "already exists" "$EGG" init --domain other.example.org --config "$T/etc/egg.json"
grep -q '"domain": "forge.example.org"' "$T/etc/egg.json" || fail "refused init still changed the file"
expect 0 "" "$EGG" init --domain other.example.org --config "$T/etc/egg.json" --force
grep -q '"domain": "other.example.org"' "$T/etc/egg.json" || fail "--force did not replace the file"
expect 0 "" "$EGG" init --domain forge.example.org --config "$T/etc/egg.json" --force

# init flags set the common choices, and bad ones are refused before anything is written.
expect 0 "" "$EGG" --instance drill init --domain localhost --config "$T/flags.json" --s3-flavor seaweedfs \
  --vault-flavor vault --http-port 8080 --https-port 8443 --enable runner --disable vault
expect 0 "" "$EGG" config check --config "$T/flags.json" --json
python3 - "$T/out" <<'PY' || fail "init flags not reflected in the config"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["instance"] == "drill" and c["domain"] == "localhost"
assert c["components"]["s3"]["flavor"] == "seaweedfs"
assert c["components"]["vault"] == {"enabled": False, "flavor": "vault", "seal": {"shares": 5, "threshold": 3}}
assert c["components"]["runner"]["enabled"] is True
assert (c["ports"]["http"], c["ports"]["https"]) == (8080, 8443)
PY
expect 2 "--domain" "$EGG" init --config "$T/nodomain.json"
expect 2 "--tls acme-http needs --acme-email" "$EGG" init --domain forge.example.org --config "$T/x.json" --tls acme-http
expect 2 "--s3-flavor must be one of rustfs, seaweedfs" "$EGG" init --domain forge.example.org --config "$T/x.json" --s3-flavor minio
expect 2 "/components/forgejo/enabled" "$EGG" init --domain forge.example.org --config "$T/x.json" --disable postgres
expect 2 "egg init: /ports/https: port 80 clashes with /ports/http" "$EGG" init --domain forge.example.org --config "$T/x.json" --https-port 80
[ ! -e "$T/x.json" ] || fail "a refused init wrote $T/x.json"
expect 0 "" "$EGG" init --domain forge.example.org --config "$T/acme.json" --tls acme-dns-cloudflare \
  --acme-email ops@example.org --cloudflare-token-file /etc/egg/cloudflare-token

# Bad configs: exit 2 with the path and JSON pointer on stderr.
bad unknown 'c["colour"] = "blue"' /colour "unknown key"
bad nested 'c["components"]["vault"]["sael"] = 1' /components/vault/sael "unknown key"
bad type 'c["ports"]["http"] = "80"' /ports/http "must be an integer"
bad clash 'c["ports"]["https"] = 80' /ports/https "port 80 clashes with /ports/http"
bad hostname 'c["domain"] = "Forge.example.org"' /domain "lowercase"
bad threshold 'c["components"]["vault"]["seal"]["threshold"] = 9' /components/vault/seal/threshold "shares 5"
bad runner 'c["components"]["runner"]["enabled"] = True; c["components"]["forgejo"]["enabled"] = False' \
  /components/runner/enabled "/components/forgejo/enabled is false"
bad schema 'c["schema"] = 2' /schema "newer egg"
bad token 'c["tls"].update(mode="acme-dns-cloudflare", acme_email="a@example.org", cloudflare_token_file="Zx9Tok3nValue")' \
  /tls/cloudflare_token_file "absolute path"
grep -qF Zx9Tok3nValue "$T/err" && fail "an inline token was echoed to stderr"

# A syntax error names line and column; a missing file says how to make one.
printf '{\n  "schema": 1,\n  "domain": ,\n}\n' >"$T/syntax.json"
expect 2 "invalid JSON at line 3, column" "$EGG" config check --config "$T/syntax.json"
expect 2 "egg init --domain D" "$EGG" config check --config "$T/missing.json"
expect 2 "--instance Bad: " "$EGG" --instance Bad config check --config "$T/etc/egg.json"

# The example in docs/config.md is valid.
python3 - "$(dirname "$0")/../../docs/config.md" "$T/doc-example.json" <<'PY' || fail "no example in docs/config.md"
import re, sys
m = re.search(r"## Example.*?```json\n(.*?)```", open(sys.argv[1]).read(), re.S)
open(sys.argv[2], "w").write(m.group(1))
PY
expect 0 "" "$EGG" config check --config "$T/doc-example.json"

# Help an operator can act on.
expect 0 "" "$EGG" init --help
grep -q -- "--domain D" "$T/out" || fail "init --help lacks --domain"
expect 0 "" "$EGG" config check --help
grep -q "JSON pointer" "$T/out" || fail "config check --help lacks the error format"

if [ "$fails" -ne 0 ]; then
  echo "config.sh: $fails failure(s)" >&2
  exit 1
fi
echo "config.sh: ok"
