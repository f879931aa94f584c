#!/usr/bin/env bash
# egg install-units against the real binary: the units it writes (mode, ExecStart carrying this
# binary and this invocation's globals, quoting, ReadWritePaths, no passphrase), that
# systemd-analyze accepts them and systemd's parser reads the words back as intended, --print, a
# missing --dir, a newline; and, where a private mount namespace is available, the systemctl calls
# it makes for the default directory (with a stub systemctl). docs/units.md.
# Usage: install_units.sh path/to/egg
source "$(dirname "$0")/lib.sh" "$@"

# A state dir with a space (and a % and a $, which systemd would otherwise expand) tests quoting.
CONF="$T/etc/egg.json"
STATE="$T/state dir %n \$HOME"
UNITS="$T/units"
OFFSITE="$T/offsite copy"
mkdir -p "$STATE" "$UNITS" "$OFFSITE"
G=(--config "$CONF" --state-dir "$STATE" --instance drill)

expect 0 "init a config" -- "$EGG" "${G[@]}" init --domain x.localhost --disable forgejo --force
jq --arg p "$OFFSITE" '.backup.destinations += [{"type":"directory","path":$p}]' "$CONF" >"$T/c.json" &&
  install -m 0600 "$T/c.json" "$CONF"
expect 0 "config with a directory destination is valid" -- "$EGG" "${G[@]}" config check

# --print writes nothing and shows both units.
expect 0 "--print" -- "$EGG" "${G[@]}" install-units --dir "$UNITS" --print
check "--print wrote nothing" [ -z "$(ls -A "$UNITS")" ]
check "--print shows the service" grep -qx 'Type=oneshot' "$T/out"
check "--print shows the timer" grep -qx 'OnCalendar=daily' "$T/out"

# A missing --dir is a precondition failure, and nothing is created.
expect 4 "missing --dir" -- "$EGG" "${G[@]}" install-units --dir "$T/nope"
check "missing --dir names it" grep -qF "$T/nope does not exist" "$T/err"
check "missing --dir created nothing" [ ! -e "$T/nope" ]

# A newline in a value cannot be written into a unit.
expect 2 "newline in --state-dir" -- "$EGG" --config "$CONF" --state-dir "$T/a
b" install-units --dir "$UNITS"
check "newline refusal names it" grep -qF "newline" "$T/err"
check "refused run wrote nothing" [ -z "$(ls -A "$UNITS")" ]

expect 0 "install-units --dir" -- "$EGG" "${G[@]}" install-units --dir "$UNITS"
check "not enabled outside the default dir" grep -qF "not enabled" "$T/out"
SVC="$UNITS/egg-backup.service"
TMR="$UNITS/egg-backup.timer"
for f in "$SVC" "$TMR"; do
  check "$(basename "$f") exists" [ -f "$f" ]
  check "$(basename "$f") mode 0644" [ "$(stat -c %a "$f")" = 644 ]
done

# ExecStart, taken apart by systemd's rules: unquote "..." (\" and \\ inside), %% -> %, $$ -> $.
python3 - "$SVC" "$EGG" "$CONF" "$STATE" <<'PY' && ok "ExecStart is this binary with the exact globals, then backup" || fail "ExecStart: see above"
import re, sys
svc, egg, conf, state = sys.argv[1:]
lines = [l[len("ExecStart="):] for l in open(svc).read().splitlines() if l.startswith("ExecStart=")]
assert len(lines) == 1, lines
words = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', lines[0])
def unescape(q, w):
    s = re.sub(r'\\(.)', r'\1', q) if q else w
    return s.replace("%%", "\0").replace("$$", "$").replace("\0", "%")
argv = [unescape(q, w) for q, w in words]
want = [egg, "--config", conf, "--state-dir", state, "--instance", "drill", "backup"]
if argv != want:
    print("  got: ", argv, "\n  want:", want, file=sys.stderr)
    sys.exit(1)
assert '"' + state.replace("%", "%%").replace("$", "$$") + '"' in lines[0], lines[0]
PY
check "ExecStart path is absolute" grep -qE '^ExecStart=/' "$SVC"
expect 0 "--print without --instance" -- "$EGG" --config "$CONF" --state-dir "$STATE" install-units --print
check "the config's instance (recorded by init) is passed on" grep -qE '^ExecStart=.* --instance drill backup$' "$T/out"
check "ReadWritePaths has the state dir and the directory destination (may be absent)" \
  grep -qxF "ReadWritePaths=\"${STATE//%/%%}\" \"-$OFFSITE\"" "$SVC"
check "no passphrase source in the service" bash -c "! grep -qi passphrase '$SVC'"
check "no credential in the service" bash -c "! grep -qiE 'LoadCredential|SetCredential|EGG_PASSPHRASE' '$SVC'"
for d in 'Type=oneshot' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'CapabilityBoundingSet=' 'UMask=0077' \
  'IOSchedulingClass=idle' 'TimeoutStartSec=6h' 'After=docker.service network-online.target'; do
  check "service has $d" grep -qxF "$d" "$SVC"
done
# Everything lives under /tmp here, so the private /tmp would hide it: the unit says so.
check "a /tmp state dir gets PrivateTmp=no" grep -qx 'PrivateTmp=no' "$SVC"
for d in 'OnCalendar=daily' 'RandomizedDelaySec=1h' 'Persistent=true' 'Unit=egg-backup.service' 'WantedBy=timers.target'; do
  check "timer has $d" grep -qxF "$d" "$TMR"
done

# A real instance (config and state outside /tmp) gets a private /tmp; the config lives beside
# the binary here, so ProtectHome= depends on where the build tree is.
R=$(mktemp -d "$(dirname "$EGG")/units-test-XXXXXX")
trap 'rm -rf "$T" "$R"' EXIT
jq '.backup.destinations |= map(select(.type != "directory"))' "$CONF" >"$R/egg.json" && chmod 0600 "$R/egg.json"
under_home() { case "$1" in /home/* | /root/* | /run/user/*) return 0 ;; esac; return 1; }
want_home=yes
under_home "$(realpath "$R")" && want_home=read-only
# The binary and the config count too: a build tree under /tmp (a CI clone there) needs /tmp.
want_tmp=yes
case "$(realpath "$EGG") $(realpath "$R")" in /tmp/* | /var/tmp/* | *" /tmp/"* | *" /var/tmp/"*) want_tmp=no ;; esac
expect 0 "--print for a /var/lib state dir" -- "$EGG" --config "$R/egg.json" --state-dir /var/lib/egg-units-test \
  --docker-host tcp://127.0.0.1:2375 install-units --print
check "PrivateTmp=$want_tmp for a /var/lib state dir (binary at $EGG)" grep -qx "PrivateTmp=$want_tmp" "$T/out"
check "ProtectHome=$want_home (build tree at $R)" grep -qx "ProtectHome=$want_home" "$T/out"
check "non-default --docker-host is passed on" grep -qE '^ExecStart=.* --docker-host tcp://127.0.0.1:2375 backup$' "$T/out"
check "missing state dir warned about" grep -qF "does not exist yet" "$T/err"
expect 0 "--print for a state dir under /root" -- "$EGG" --config "$R/egg.json" --state-dir /root/egg-units-test install-units --print
check "a state dir under /root gets ProtectHome=read-only" grep -qx 'ProtectHome=read-only' "$T/out"
check "... and stays writable" grep -qE '^ReadWritePaths=/root/egg-units-test( |$)' "$T/out"
expect 0 "--print with the default engine" -- "$EGG" --config "$CONF" --docker-host unix:///var/run/docker.sock install-units --print
check "the default engine is not passed" bash -c "! grep -q -- --docker-host '$T/out'"

# systemd's own parser accepts both files. It also checks that ExecStart's program exists and is
# executable, which holds because it is this very egg (a missing Wants= unit is not an error).
if command -v systemd-analyze >/dev/null; then
  if systemd-analyze verify "$SVC" "$TMR" >"$T/verify" 2>&1; then ok "systemd-analyze verify"; else
    fail "systemd-analyze verify:"; sed 's/^/    /' "$T/verify" >&2
  fi
  check "systemd-analyze verify printed nothing" [ ! -s "$T/verify" ]
else
  fail "systemd-analyze missing (scripts/install-deps.sh installs systemd)"
fi

# systemd's own parser takes the words apart as intended: `systemd --test` (an unprivileged
# user; it refuses root) dumps the loaded units, with ExecStart's argv and ReadWritePaths as
# stored. Stored, `$$` is still `$$` (it becomes `$` at exec time) and the dump shell-quotes argv.
SYSTEMD=/lib/systemd/systemd
if [ -x "$SYSTEMD" ] && [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 0755 "$T" "$UNITS"
  SYSTEMD_UNIT_PATH="$UNITS:" setpriv --reuid 65534 --regid 65534 --clear-groups \
    "$SYSTEMD" --test --system --unit=egg-backup.timer >"$T/dump" 2>/dev/null
  chmod 0700 "$T"
  python3 - "$T/dump" "$EGG" "$CONF" "$STATE" "$OFFSITE" <<'PY' && ok "systemd parses ExecStart and ReadWritePaths as intended" || fail "systemd --test dump: see above"
import re, sys
dump, egg, conf, state, offsite = sys.argv[1:]
text = open(dump).read()
m = re.search(r"-> Unit egg-backup\.service:\n(.*?)(?=\n\t-> Unit |\Z)", text, re.S)
assert m, "egg-backup.service not in the dump"
unit = m.group(1)
rw = re.search(r"^\t\tReadWritePaths: (.*)$", unit, re.M).group(1)
want_rw = f"{state} -{offsite}"
cmd = re.search(r"^\t\t\tCommand Line: (.*)$", unit, re.M).group(1)
shown = lambda a: '"' + re.sub(r'([\\"`$])', r"\\\1", a) + '"' if re.search(r'[^A-Za-z0-9/._:+,=@%~-]', a) else a
want_cmd = " ".join(shown(a) for a in [egg, "--config", conf, "--state-dir", state.replace("$", "$$"),
                                       "--instance", "drill", "backup"])
ok = True
for what, got, want in (("ReadWritePaths", rw, want_rw), ("Command Line", cmd, want_cmd)):
    if got != want:
        print(f"  {what}:\n    got:  {got}\n    want: {want}", file=sys.stderr)
        ok = False
sys.exit(0 if ok else 1)
PY
else
  echo "skip: $SYSTEMD --test needs root (to drop to nobody) and setpriv; systemd's parse not checked"
fi

# The default directory runs systemctl: try it in a private mount namespace with a tmpfs over
# /etc/systemd/system and a stub systemctl that records its argv, so the host is not touched.
if [ -d /etc/systemd/system ] && unshare -m true 2>/dev/null; then
  mkdir -p "$T/bin"
  printf '#!/bin/sh\necho "$*" >>"%s/calls"\n[ "$1" != enable ] || exit "${STUB_RC:-0}"\n' "$T" >"$T/bin/systemctl"
  chmod +x "$T/bin/systemctl"
  # inns CMD...: CMD in a private mount namespace whose /etc/systemd/system is an empty tmpfs.
  inns() {
    env PATH="$T/bin:$PATH" LISTING="$T/listing" unshare -m sh -c \
      'mount --make-rprivate / && mount -t tmpfs tmpfs /etc/systemd/system && "$@" && ls /etc/systemd/system >"$LISTING"' \
      sh "$@"
  }
  expect 0 "default dir: writes and enables" -- inns "$EGG" "${G[@]}" install-units
  check "systemctl daemon-reload, then enable --now egg-backup.timer" \
    diff <(printf 'daemon-reload\nenable --now egg-backup.timer\n') "$T/calls"
  check "units written to /etc/systemd/system" diff <(printf 'egg-backup.service\negg-backup.timer\n') "$T/listing"
  rm -f "$T/calls"
  export STUB_RC=3
  expect 1 "a failing systemctl is exit 1" -- inns "$EGG" "${G[@]}" install-units
  unset STUB_RC
  check "the failure names the command and its status" grep -qF "'systemctl enable --now egg-backup.timer' exited with status 3" "$T/err"
  rm -f "$T/calls"
  expect 0 "--no-enable in the default dir" -- inns "$EGG" "${G[@]}" install-units --no-enable
  check "--no-enable ran no systemctl" [ ! -e "$T/calls" ]
else
  echo "skip: no private mount namespace here; the systemctl calls are not exercised"
fi

if ((FAILS)); then
  echo "$FAILS failure(s)" >&2
  exit 1
fi
echo "install_units: all ok"
