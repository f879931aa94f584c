#!/usr/bin/env bash
# egg preflight against the real engine: exit codes, the failing check named with its config
# pointer and holder, --json shape, and no side effects. Usage: preflight.sh path/to/egg
set -u
EGG=$1
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
T=$(mktemp -d)
INST="pf$$"
OWN="$INST-proxy"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
cleanup() {
  [ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null
  docker rm -f "$OWN" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT

"$REPO/scripts/build-test-images.sh" >"$T/build.log" 2>&1 || { cat "$T/build.log" >&2; echo "FAIL: build-test-images.sh" >&2; exit 1; }
MANIFEST="$REPO/build/test-images/manifest.json"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P_HTTP=$(free_port) P_HTTPS=$(free_port) P_SSH=$(free_port) P_PG=$(free_port) P_VAULT=$(free_port)

# A config whose ports are all free high ports, with s3 on the test registry's port 5000, so one
# port is published by a container of another instance; seaweedfs because rustfs is unpinned here.
"$EGG" init --domain forge.localhost --config "$T/egg.json" >/dev/null || { echo "FAIL: init" >&2; exit 1; }
python3 - "$T/egg.json" "$INST" "$P_HTTP" "$P_HTTPS" "$P_SSH" "$P_PG" "$P_VAULT" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["instance"] = sys.argv[2]
c["ports"].update(http=int(sys.argv[3]), https=int(sys.argv[4]), ssh=int(sys.argv[5]),
                  postgres=int(sys.argv[6]), vault=int(sys.argv[7]), s3=None)
c["components"]["s3"]["flavor"] = "seaweedfs"
c["components"]["forgejo"]["enabled"] = False
json.dump(c, open(sys.argv[1], "w"))
PY
run() { "$EGG" preflight --config "$T/egg.json" --state-dir "$T/state" --manifest "$MANIFEST" "$@" >"$T/out" 2>"$T/err"; }
status_of() { python3 -c "import json,sys; print(' '.join(r['status'] for r in json.load(open(sys.argv[1])) if r['check']==sys.argv[2]))" "$T/out" "$1"; }

# All free and pinned: exit 0, engine and every port ok, no state dir created.
run --json
rc=$?
[ $rc -eq 0 ] || fail "clean preflight exited $rc: $(cat "$T/out" "$T/err")"
for c in engine port:http port:https port:ssh port:postgres port:vault dns pins arch; do
  [ "$(status_of $c)" = ok ] || fail "check $c is '$(status_of $c)', want ok: $(cat "$T/out")"
done
[ -z "$(status_of port:s3)" ] || fail "an unset port (s3) was checked"
[ ! -e "$T/state" ] || fail "preflight created the state dir"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); assert all(set(r)=={'check','status','detail'} for r in a)" "$T/out" ||
  fail "--json rows are not {check, status, detail}"

# A port held by some process: exit 4, the port, its pointer and the failure named.
python3 -c "import socket,sys,time; s=socket.socket(); s.bind(('0.0.0.0',int(sys.argv[1]))); s.listen(); time.sleep(60)" "$P_SSH" &
LISTENER=$!
# Wait until it listens (a fixed sleep lost the race on a loaded machine).
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$P_SSH") 2>/dev/null && break
  sleep 0.1
done
run
rc=$?
[ $rc -eq 4 ] || fail "busy port: exit $rc, want 4"
grep -q "^fail port:ssh      0.0.0.0:$P_SSH (/ports/ssh) is in use by a process that is not a container" "$T/out" ||
  fail "busy port line: $(cat "$T/out")"
grep -q "^preflight: .* 1 failure(s)$" "$T/out" || fail "summary: $(tail -1 "$T/out")"
kill "$LISTENER"; wait "$LISTENER" 2>/dev/null; LISTENER=

# A port published by another container (the test registry on 127.0.0.1:5000) fails naming it.
python3 - "$T/egg.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["ports"]["s3"] = 5000; json.dump(c, open(sys.argv[1], "w"))
PY
run
[ $? -eq 4 ] || fail "port of another container: exit not 4"
grep -q "^fail port:s3 .*127.0.0.1:5000 (/ports/s3) is published by container egg-test-registry" "$T/out" ||
  fail "other container's port: $(grep port:s3 "$T/out")"

# A port held by this instance's own container is fine.
docker run -d --name "$OWN" --label "io.egg.instance=$INST" -p "0.0.0.0:$P_HTTPS:80" egg-test/busybox:latest sleep 60 >/dev/null ||
  fail "could not start the own-instance container"
run --json
[ "$(status_of port:https)" = ok ] || fail "own container's port: $(status_of port:https)"
grep -q "held by this instance's own container $OWN" "$T/out" || fail "own container not named: $(cat "$T/out")"

# An unpinned image fails naming the component, unless --allow-unpinned (then a warning).
python3 - "$MANIFEST" "$T/unpinned.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["components"]["postgres"]["flavors"]["postgres"]["digest"] = None
m["components"]["postgres"]["flavors"]["postgres"].pop("ids", None); json.dump(m, open(sys.argv[2], "w"))
PY
python3 - "$T/egg.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["ports"]["s3"] = None; json.dump(c, open(sys.argv[1], "w"))
PY
"$EGG" preflight --config "$T/egg.json" --state-dir "$T/state" --manifest "$T/unpinned.json" >"$T/out" 2>&1
[ $? -eq 4 ] || fail "unpinned: exit not 4"
grep -q "^fail pin:postgres .*has no pinned digest" "$T/out" || fail "unpinned line: $(cat "$T/out")"
"$EGG" preflight --config "$T/egg.json" --state-dir "$T/state" --manifest "$T/unpinned.json" --allow-unpinned >"$T/out" 2>&1
[ $? -eq 0 ] || fail "--allow-unpinned: exit not 0: $(cat "$T/out")"
grep -q "^warn pin:postgres" "$T/out" || fail "--allow-unpinned: no warning"

# No engine: the engine check fails with the socket named; host checks still run; exit 4.
run --docker-host unix://$T/nonexistent.sock --json
[ $? -eq 4 ] || fail "no engine: exit not 4"
[ "$(status_of engine)" = fail ] || fail "no engine: engine check '$(status_of engine)'"
[ "$(status_of port:http)" = ok ] || fail "no engine: ports not checked"

[ $fails -eq 0 ] && echo "preflight: all checks passed"
exit $((fails > 0))
