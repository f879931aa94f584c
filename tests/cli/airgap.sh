#!/usr/bin/env bash
# egg manifest lock and egg images load against the real engine and the local test registry
# (scripts/build-test-images.sh). Uses throwaway images of its own (unique per run) so that no
# image other tests rely on is ever removed. Usage: airgap.sh path/to/egg
set -u
EGG=$1
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
T=$(mktemp -d)
NS="egg-airgap-$$"
REG=127.0.0.1:5000
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
cleanup() {
  docker rmi -f "$REG/$NS/tiny:1" "$NS/other:1" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT

"$REPO/scripts/build-test-images.sh" >"$T/build.log" 2>&1 || { cat "$T/build.log" >&2; echo "FAIL: build-test-images.sh" >&2; exit 1; }

# A tiny image of our own, pushed so the registry knows its digest.
mkimage() { # mkimage REF: a one-file image with content unique to this run
  mkdir -p "$T/rootfs" && echo "$1 $$ $(date +%s%N)" >"$T/rootfs/id" && tar -C "$T/rootfs" -cf "$T/rootfs.tar" id
  docker import "$T/rootfs.tar" "$1" >/dev/null
}
mkimage "$REG/$NS/tiny:1"
docker push "$REG/$NS/tiny:1" >/dev/null || { echo "FAIL: push to $REG" >&2; exit 1; }
TINY_ID=$(docker image inspect -f '{{.Id}}' "$REG/$NS/tiny:1")

head_digest() { # head_digest NAME TAG: what the registry itself says
  curl -fsSI -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
    "http://$REG/v2/$1/manifests/$2" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}'
}
jq_pin() { python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['components'][sys.argv[2]]['flavors'][sys.argv[3]]; print(p.get(sys.argv[4]) if sys.argv[4]!='ids' else json.dumps(p.get('ids')))" "$@"; }

# The test manifest with every digest nulled, the proxy pointing at our tiny image, and the
# seaweedfs tag changed to one the registry lacks.
python3 - "$REPO/build/test-images/manifest.json" "$T/unlocked.json" "$REG/$NS/tiny" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for c in m["components"].values():
    for f in c["flavors"].values():
        f["digest"] = None
        f.pop("ids", None)
m["components"]["proxy"]["flavors"]["caddy"].update(image=sys.argv[3], tag="1")
m["components"]["s3"]["flavors"]["seaweedfs"]["tag"] = "0.0-missing"
json.dump(m, open(sys.argv[2], "w"), indent=2)
PY

# --- lock ---------------------------------------------------------------------------------
"$EGG" manifest lock --manifest "$T/unlocked.json" --registry "http://$REG" --output "$T/locked.json" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || fail "manifest lock exited $rc: $(cat "$T/err")"
for spec in postgres:postgres:egg-test/postgres:15.20 vault:openbao:egg-test/openbao:2.7.2 proxy:caddy:$NS/tiny:1; do
  IFS=: read -r comp flavor name tag <<<"$spec"
  want=$(head_digest "$name" "$tag")
  got=$(jq_pin "$T/locked.json" "$comp" "$flavor" digest)
  [ -n "$want" ] && [ "$got" = "$want" ] || fail "lock: $comp/$flavor digest '$got', the registry says '$want'"
done
[ "$(jq_pin "$T/locked.json" proxy caddy ids)" = "{\"linux/amd64\": \"$TINY_ID\"}" ] ||
  fail "lock: proxy ids $(jq_pin "$T/locked.json" proxy caddy ids), want the image id $TINY_ID"
[ "$(jq_pin "$T/locked.json" s3 seaweedfs digest)" = None ] || fail "lock: a missing tag got a digest"
grep -q "^missing   s3/seaweedfs $REG/egg-test/seaweedfs:0.0-missing: not in the registry; keeps digest null" "$T/err" ||
  fail "lock: the missing tag is not reported: $(cat "$T/err")"
grep -q "^missing   vault/vault docker.io/hashicorp/vault" "$T/err" || fail "lock: vault/vault not reported missing"
"$EGG" manifest --manifest "$T/locked.json" >/dev/null || fail "egg refuses the manifest lock wrote"
# Without --output the same manifest goes to stdout.
"$EGG" manifest lock --manifest "$T/unlocked.json" --registry "http://$REG" >"$T/stdout.json" 2>/dev/null
cmp -s "$T/stdout.json" "$T/locked.json" || fail "lock: stdout differs from --output"

# An unreachable registry: exit 4, nothing written.
"$EGG" manifest lock --manifest "$T/unlocked.json" --registry http://127.0.0.1:1 --output "$T/none.json" 2>"$T/err"
rc=$?
[ $rc -eq 4 ] || fail "lock against an unreachable registry exited $rc, want 4"
grep -q "registry http://127.0.0.1:1 is unreachable" "$T/err" || fail "unreachable: message: $(cat "$T/err")"
[ ! -e "$T/none.json" ] || fail "unreachable: a manifest was written anyway"

# --- load -----------------------------------------------------------------------------------
# The air-gap round trip: save, remove from the engine entirely, load.
docker save -o "$T/tiny.tar" "$REG/$NS/tiny:1" && docker rmi "$REG/$NS/tiny:1" >/dev/null || fail "save/rmi"
docker image inspect "$TINY_ID" >/dev/null 2>&1 && fail "the tiny image is still present before the load"

"$EGG" images load "$T/tiny.tar" --manifest "$T/locked.json" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || fail "load (locked manifest) exited $rc: $(cat "$T/err")"
grep -q "^ok    $REG/$NS/tiny:1: matches the proxy/caddy pin by id (linux/amd64)" "$T/out" ||
  fail "load: no match by id: $(cat "$T/out")"
docker image inspect "$TINY_ID" >/dev/null 2>&1 || fail "load: the image is not in the engine afterwards"

# A manifest without ids: the tag matches but nothing proves the content: a warning, exit 0.
"$EGG" images load "$T/tiny.tar" --manifest "$T/unlocked.json" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || fail "load (no ids) exited $rc"
grep -q "^warn  $REG/$NS/tiny:1: tag matches the proxy/caddy pin, but the digest cannot be verified.*moby#22011" "$T/out" ||
  fail "load (no ids): $(cat "$T/out")"

# The pinned tag on a different image: mismatch, exit 5, --json says so.
python3 - "$T/locked.json" "$T/wrong.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["components"]["proxy"]["flavors"]["caddy"]["ids"] = {"linux/amd64": "sha256:" + "0" * 64}
json.dump(m, open(sys.argv[2], "w"))
PY
"$EGG" images load "$T/tiny.tar" --manifest "$T/wrong.json" --json >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 5 ] || fail "load (wrong id) exited $rc, want 5"
[ "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[0]['result'])" "$T/out")" = mismatch ] ||
  fail "load (wrong id) --json: $(cat "$T/out")"
grep -q "not the pinned image" "$T/err" || fail "load (wrong id): stderr: $(cat "$T/err")"

# An image no pin refers to: a warning, exit 0.
mkimage "$NS/other:1"
docker save -o "$T/other.tar" "$NS/other:1" && docker rmi "$NS/other:1" >/dev/null
"$EGG" images load "$T/other.tar" --manifest "$T/locked.json" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || fail "load (other) exited $rc"
grep -q "^warn  $NS/other:1: not in the manifest" "$T/out" || fail "load (other): $(cat "$T/out")"

# A missing file is a usage error; an unreachable engine a precondition.
"$EGG" images load "$T/nope.tar" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "load of a missing file exited $rc, want 2"
"$EGG" images load "$T/other.tar" --manifest "$T/locked.json" --docker-host unix:///nonexistent.sock >/dev/null 2>&1; rc=$?
[ $rc -eq 4 ] || fail "load with no engine exited $rc, want 4"

[ $fails -eq 0 ] && echo "airgap: all checks passed"
exit $((fails > 0))
