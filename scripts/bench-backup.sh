#!/usr/bin/env bash
# Benchmark of `egg backup` (issue 5, docs/benchmarks.md): a generated mixed dataset (half
# compressible rows and JSON logs, half random bytes) is placed in an instance of its own (a
# postgres table + objects in the forgejo bucket), then, one after the other on the same data:
#   egg backup --json
#   tar -cf - DATA | zstd -3 -T0 | age -r RECIPIENT > out
#   restic init + restic backup DATA   (a fresh local repository: restic's first backup)
# each with wall time, throughput (dataset MiB / s) and peak RSS. Targets: egg >= 80 % of the
# pipeline's throughput, faster than restic's first backup, peak RSS < 100 MiB.
# It is a benchmark, not a test: exit 0 when a target is missed, non-zero only when a step fails.
# Usage: scripts/bench-backup.sh [SIZE_MIB (2048)]
#   env EGG=path (default build/dev/egg/egg; the release binary is build/static/egg/egg)
#   env SKIP_EGG=1: do not run egg backup (e.g. before it exists); the other two still run
#   env BENCH_HOLD=1: once the instance is loaded, wait (printing how to reach it) until the file
#   $W/go exists, so egg backup can be profiled or rerun by hand on the same data
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE=${1:-2048}
EGG=${EGG:-$ROOT/build/dev/egg/egg}
SKIP_EGG=${SKIP_EGG:-0}
AWS=${EGG_CACHE:-$HOME/.cache/egg}/bin/aws
MANIFEST=$ROOT/build/test-images/manifest.json
INSTANCE=eggbenchbk
PG_PORT=35432 S3_PORT=39000

[[ $SIZE =~ ^[0-9]+$ ]] && [ "$SIZE" -ge 64 ] || { echo "usage: $0 [SIZE_MIB >= 64]" >&2; exit 2; }
for t in jq psql tar zstd age age-keygen restic python3 bc; do
  command -v "$t" >/dev/null || { echo "bench-backup: $t is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$AWS" ] || { echo "bench-backup: $AWS is missing (scripts/install-deps.sh)" >&2; exit 1; }
[ -x "$EGG" ] || { echo "bench-backup: $EGG is missing (build it, or set EGG=)" >&2; exit 1; }
if [ "$SKIP_EGG" != 1 ] && ! "$EGG" --help 2>&1 | grep -qE '^ *backup( |$)'; then
  echo "bench-backup: this egg has no 'backup' command ($EGG); SKIP_EGG=1 runs the other tools only" >&2
  exit 1
fi
scripts/build-test-images.sh >/dev/null

W=$(mktemp -d /tmp/egg-bench-backup-XXXXXX)
chmod 700 "$W"
STATE=$W/state
G=(--config "$W/egg.json" --state-dir "$STATE" --manifest "$MANIFEST")
cleanup() {
  "$EGG" "${G[@]}" destroy --yes >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT
export EGG_TEST_FAST_KDF=1   # Argon2id INTERACTIVE: the KDF is not what this measures
printf 'benchmark passphrase 0123\n' > "$W/pass"
chmod 600 "$W/pass"
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc | xargs printf '%.1f'; }
log() { echo "[bench-backup] $*"; }

# --- measuring: wall time and peak RSS of the child process tree -----------------------------
# ru_maxrss of RUSAGE_CHILDREN is the largest RSS of any one waited-for descendant (not a sum).
cat > "$W/measure.py" <<'EOF'
import json, resource, subprocess, sys, time
out, argv = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
rc = subprocess.run(argv).returncode
dt = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    json.dump({"rc": rc, "seconds": dt, "maxrss_kib": ru.ru_maxrss, "user": ru.ru_utime, "sys": ru.ru_stime}, f)
sys.exit(rc)
EOF
# The kernel carries the forking process's RSS high-water mark across exec, so a process smaller
# than the wrapper itself reads as the wrapper's size: FLOOR, measured below. Above it, exact.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
measure() { "$PY" "$W/measure.py" "$@"; }
measure "$W/floor.res" true
FLOOR=$(jq -r '.maxrss_kib / 1024' "$W/floor.res")

# --- the dataset ----------------------------------------------------------------------------
# Half compressible (CSV access-log rows, JSON log lines: zstd -3 makes them ~3.3x smaller,
# every row unique), half random bytes. Seeded, so the same SIZE gives the same bytes.
#   data/pg/access_log.csv          S/4  compressible  -> table access_log in database benchdata
#   data/s3/logs/app.jsonl          S/8  compressible  -> one large object
#   data/s3/logs/small/NNNN.jsonl   S/8  compressible  -> 160 small objects of varied size
#   data/s3/blobs/large-N.bin       3S/8 random        -> S/8, S/8, S/16, S/16
#   data/s3/blobs/small/NNNN.bin    S/8  random        -> 160 small objects of varied size
cat > "$W/gen.py" <<'EOF'
import itertools, os, random, sys
root, size = sys.argv[1], int(sys.argv[2]) << 20
MiB = 1 << 20
r = random.Random(20261122)
words = ("the of and a to in is you that it he was for on are as with his they at be this have from or one had by word "
         "but not what all were we when your can said there use an each which she do how their if will up other about out "
         "many then them these so some her would make like him into time has look two more write go see number no way could "
         "people my than first water been call who oil its now find long down day did get come made may part").split()
users = [f"user{r.randrange(10**6):06d}" for _ in range(5000)]
status = ["200"] * 14 + ["201", "204", "301", "304", "400", "401", "403", "404", "404", "500", "502"]
agents = ["git/2.39.2", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "curl/7.88.1", "Go-http-client/1.1",
          "forgejo-runner/3.5", "python-requests/2.31"]
kinds = ["repos", "issues", "pulls", "users", "orgs", "commits", "packages", "releases"]
levels = ["info"] * 12 + ["debug"] * 4 + ["warn", "warn", "error"]
def url(): return f"/api/v{r.randrange(1, 4)}/{r.choice(kinds)}/{r.randrange(1000)}"
def ip(): return f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(256)}"
def text(): return " ".join(r.choices(words, k=r.randrange(3, 12)))
# Pools of row bodies; each row = a serial + a timestamp + a body drawn from 200k (unique rows).
csv_pool = [f"{r.choice(users)},{r.choice(status)},{r.randrange(100000) / 100:.2f},{ip()},{url()},{r.choice(agents)},{text()}"
            for _ in range(200000)]
json_pool = [f'"level":"{r.choice(levels)}","user":"{r.choice(users)}","method":"{r.choice(("GET", "GET", "POST", "PUT", "DELETE"))}",'
             f'"path":"{url()}","status":{r.choice(status)},"ms":{r.randrange(2000) / 10},"remote":"{ip()}","msg":"{text()}"}}'
             for _ in range(200000)]
csv_fmt = "{},{},{}\n".format
def json_fmt(i, t, body): return f'{{"ts":{t}.{i % 1000:03d},"req":{i},{body}\n'
state = {"csv": [1, 1_700_000_000], "json": [1, 1_700_000_000]}
def lines(kind, nbytes):
    """Whole rows, exactly nbytes long (the last row is padded with spaces in its text field)."""
    pool, fmt = (csv_pool, csv_fmt) if kind == "csv" else (json_pool, None)
    st, out, n = state[kind], [], 0
    while n < nbytes:
        k = min(20000, 64 + (nbytes - n) // 100)   # rows are 110-250 bytes
        ts = list(itertools.accumulate(r.choices((0, 1, 1, 2, 3), k=k), initial=st[1]))[1:]
        ids = range(st[0], st[0] + k)
        if kind == "csv":
            b = "".join(map(fmt, ids, ts, r.choices(pool, k=k))).encode()
        else:
            b = "".join(map(json_fmt, ids, ts, r.choices(pool, k=k))).encode()
        st[0] += k; st[1] = ts[-1]
        if n + len(b) >= nbytes:
            cut = b.rfind(b"\n", 0, nbytes - n) + 1
            b = b[:cut]
            if cut == 0: break
        out.append(b); n += len(b)
    data = b"".join(out)
    pad = nbytes - len(data)
    if pad > 0:   # pad inside the last row's free-text field so it stays one valid row
        tail = b"\"}\n" if kind == "json" else b"\n"
        data = data[: len(data) - len(tail)] + b" " * pad + tail if data else b" " * pad
    return data
def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f: f.write(data)
def write_stream(path, kind, nbytes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        left = nbytes
        while left > 0:
            c = min(left, 64 * MiB); f.write(lines(kind, c)); left -= c
def split_sizes(total, count, seed):
    w = [1 + (k * 37 + seed) % 100 for k in range(count)]   # 1..100: ~15 KiB .. ~2 MiB at S=2048
    s = [total * x // sum(w) for x in w]
    s[-1] += total - sum(s)
    return s
S = size
write_stream(f"{root}/pg/access_log.csv", "csv", S // 4)
write_stream(f"{root}/s3/logs/app.jsonl", "json", S // 8)
for k, n in enumerate(split_sizes(S // 8, 160, 11)):
    write(f"{root}/s3/logs/small/{k:04d}.jsonl", lines("json", n))
large = S - S // 4 - 3 * (S // 8)   # what is left for the large random objects: ~3S/8
os.makedirs(f"{root}/s3/blobs", exist_ok=True)
for k, n in enumerate((S // 8, S // 8, S // 16, large - 2 * (S // 8) - S // 16)):
    with open(f"{root}/s3/blobs/large-{k}.bin", "wb") as f:
        left = n
        while left > 0:
            c = min(left, 64 * MiB); f.write(r.randbytes(c)); left -= c
for k, n in enumerate(split_sizes(S // 8, 160, 5)):
    write(f"{root}/s3/blobs/small/{k:04d}.bin", r.randbytes(n))
EOF
log "generating a ${SIZE} MiB dataset in $W/data"
t0=$(now)
python3 "$W/gen.py" "$W/data" "$SIZE"
DATA_BYTES=$(find "$W/data" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%.0f", s}')
DATA_MIB=$(echo "scale=3; $DATA_BYTES / 1048576" | bc)
ZRATIO=$(zstd -3 -T0 -q -c "$W/data/pg/access_log.csv" | wc -c | xargs -I{} echo "scale=2; $(stat -c %s "$W/data/pg/access_log.csv") / {}" | bc)
log "dataset: $DATA_BYTES bytes ($DATA_MIB MiB), $(find "$W/data" -type f | wc -l) files, in $(since "$t0") s; zstd -3 ratio of the CSV part: ${ZRATIO}x"

# --- the instance ---------------------------------------------------------------------------
"$EGG" --config "$W/egg.json" --instance "$INSTANCE" init --domain "$INSTANCE.localhost" --s3-flavor seaweedfs \
  --disable forgejo --http-port 38080 --https-port 38443 --ssh-port 32222 >/dev/null
# One bundle destination, a local directory, like the other two tools' single output file
# (the default also uploads the bundle into the stack's own S3 store).
jq --argjson pg "$PG_PORT" --argjson s3 "$S3_PORT" \
  '.ports.postgres = $pg | .ports.vault = 38200 | .ports.s3 = $s3 | .backup.destinations = [{"type": "local", "path": "backups"}]' \
  "$W/egg.json" > "$W/t" && mv "$W/t" "$W/egg.json"
chmod 600 "$W/egg.json"
log "egg up (instance $INSTANCE)"
t0=$(now)
"$EGG" "${G[@]}" --passphrase-file "$W/pass" up > "$W/up.out" 2>&1 || { cat "$W/up.out"; exit 1; }
log "egg up: $(since "$t0") s"
cred() { jq -r --arg p "$1" --arg f "$2" '.secrets[$p][$f]' "$STATE/credentials.json"; }
BUCKET=$("$EGG" "${G[@]}" config check --json 2>/dev/null | jq -r '.components.s3.buckets.forgejo // "forgejo"') || BUCKET=forgejo

# postgres: one table of the compressible rows, loaded with \copy. PGPASSWORD: this script only.
export PGPASSWORD
PGPASSWORD=$(cred postgres/superuser password)
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q)
t0=$(now)
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE benchdata'
"${PSQL[@]}" -d benchdata <<EOF
CREATE TABLE access_log (id bigint, ts bigint, username text, status smallint, amount numeric(10,2),
                         remote inet, path text, agent text, msg text);
\copy access_log FROM '$W/data/pg/access_log.csv' WITH (FORMAT csv)
CHECKPOINT;
EOF
log "postgres: $("${PSQL[@]}" -d benchdata -tAc "SELECT count(*) || ' rows, ' || pg_size_pretty(pg_total_relation_size('access_log')) FROM access_log") in $(since "$t0") s"

# S3: the objects into the forgejo bucket; awscli reads the keys from a 0600 file.
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$(cred s3/root access_key)" "$(cred s3/root secret_key)" > "$W/aws-credentials"
chmod 600 "$W/aws-credentials"
export AWS_SHARED_CREDENTIALS_FILE=$W/aws-credentials AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null
t0=$(now)
"$AWS" --endpoint-url "http://127.0.0.1:$S3_PORT" s3 cp --recursive --only-show-errors "$W/data/s3" "s3://$BUCKET/"
S3_COUNT=$("$AWS" --endpoint-url "http://127.0.0.1:$S3_PORT" s3 ls --recursive "s3://$BUCKET/" | awk '{n++; s+=$3} END {printf "%d objects, %.0f bytes", n, s}')
log "s3: $S3_COUNT in bucket $BUCKET in $(since "$t0") s"
sync

if [ -n "${BENCH_HOLD:-}" ]; then
  log "holding: egg ${G[*]} backup --json; touch $W/go to continue"
  while [ ! -e "$W/go" ]; do sleep 2; done
fi

# --- the runs -------------------------------------------------------------------------------
# No page-cache drop is possible in a container: each tool starts after a warm-up read of its
# input instead (the dataset files; for egg also the instance's volumes on the host), and a sync.
VOLROOT=$(docker info --format '{{.DockerRootDir}}')/volumes
warm() {
  find "$W/data" -type f -exec cat {} + > /dev/null
  if [ "${1:-}" = egg ]; then
    local v n=0
    for v in $(docker volume ls -q --filter "label=io.egg.instance=$INSTANCE"); do
      [ -d "$VOLROOT/$v/_data" ] || continue
      find "$VOLROOT/$v/_data" -type f -exec cat {} + > /dev/null 2>&1 || true
      n=$((n + 1))
    done
    echo "  warm-up: the dataset files and $n volumes of $INSTANCE"
  fi
  sync
}
declare -A SEC RSS OUT NOTE
EGG_FAILED=0
record() {  # record NAME RESULT.json OUTPUT-BYTES
  SEC[$1]=$(jq -r .seconds "$2")
  RSS[$1]=$(jq -r '.maxrss_kib / 1024' "$2")
  OUT[$1]=$3
}

if [ "$SKIP_EGG" != 1 ]; then
  log "run 1/3: egg backup --json"
  warm egg
  if measure "$W/egg.res" "$EGG" "${G[@]}" backup --json > "$W/egg.json.out" 2> "$W/egg.err"; then
    SUMMARY=$(tail -n 1 "$W/egg.json.out")
    echo "  egg summary: $SUMMARY"
    echo "$SUMMARY" | jq -r 'paths(scalars) as $p | ($p | map(tostring) | join(".")) as $k
                             | select($k | test("byte|size|seconds|captured"; "i")) | "    \($k) = \(getpath($p))"' 2>/dev/null || true
    EGG_OUT=$(find "$STATE/backups" -type f -name '*.egg*' -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {printf "%.0f", s}')
    record egg "$W/egg.res" "$EGG_OUT"
  else
    echo "  egg backup FAILED (exit $(jq -r .rc "$W/egg.res")); its stderr:"
    sed 's/^/    /' "$W/egg.err"
    EGG_FAILED=1   # the other tools still run; the script exits 1 at the end
  fi
else
  log "run 1/3: egg backup skipped (SKIP_EGG=1)"
fi

log "run 2/3: tar -cf - | zstd -3 -T0 | age -r"
age-keygen -o "$W/age.key" 2>/dev/null
RECIPIENT=$(age-keygen -y "$W/age.key")
warm
# The outer wrapper times the whole pipeline; each stage runs under its own wrapper too, for
# its own peak RSS (the outer one reports the largest single process, never a sum).
measure "$W/pipe.res" bash -c 'set -o pipefail; p=$1; m=$2; w=$3; r=$4
  "$p" "$m" "$w/tar.res" tar -C "$w" -cf - data | "$p" "$m" "$w/zstd.res" zstd -3 -T0 -q -c \
    | "$p" "$m" "$w/age.res" age -r "$r" > "$w/pipeline.tar.zst.age"' _ "$PY" "$W/measure.py" "$W" "$RECIPIENT"
record pipeline "$W/pipe.res" "$(stat -c %s "$W/pipeline.tar.zst.age")"
NOTE[pipeline]=$(for s in tar zstd age; do printf '%s %.1f, ' "$s" "$(jq -r '.maxrss_kib / 1024' "$W/$s.res")"; done | sed 's/, $//')
rm -f "$W/pipeline.tar.zst.age"

log "run 3/3: restic init + restic backup ($(restic version | awk '{print $1, $2}'))"
printf 'restic benchmark password\n' > "$W/restic-pass"
chmod 600 "$W/restic-pass"
export RESTIC_REPOSITORY=$W/restic-repo RESTIC_PASSWORD_FILE=$W/restic-pass RESTIC_CACHE_DIR=$W/restic-cache
restic init --quiet > /dev/null
warm
(cd "$W" && measure "$W/restic.res" restic backup data > "$W/restic.out" 2>&1) || { cat "$W/restic.out"; exit 1; }
grep -E '^(Files|Added|processed)' "$W/restic.out" | sed 's/^/  restic: /' || true
record restic "$W/restic.res" "$(du -sb "$W/restic-repo" | cut -f1)"
rm -rf "$W/restic-repo" "$W/restic-cache"

# --- what egg's sources cost on their own ---------------------------------------------------
# egg reads a live stack, not files: these two set the floor under its time on this machine.
log "source floors: pg_dump through docker exec, and awscli fetching every object (10 in parallel)"
measure "$W/pgfloor.res" bash -c "docker exec -u postgres $INSTANCE-postgres pg_dump -U postgres -Fc -Z0 -d benchdata > /dev/null"
measure "$W/s3floor.res" "$AWS" --endpoint-url "http://127.0.0.1:$S3_PORT" s3 cp --recursive --only-show-errors \
  "s3://$BUCKET/" "$W/s3-floor/"
rm -rf "$W/s3-floor"

# --- the table ------------------------------------------------------------------------------
echo
echo "dataset: $DATA_MIB MiB ($SIZE MiB asked): half compressible (postgres table + JSON-log objects), half random (objects)"
echo "host: $(nproc) cores; $(restic version | awk '{print $1, $2}'), age $(age --version), zstd $(zstd -V | grep -oE 'v[0-9.]+'), $(tar --version | head -1)"
printf '%-34s %9s %9s %14s %12s\n' tool seconds MiB/s "peak RSS MiB" "output MiB"
mibs() { echo "scale=1; $DATA_MIB / ${SEC[$1]}" | bc; }
for t in egg pipeline restic; do
  case $t in
    egg) name="egg backup" ;;
    pipeline) name="tar | zstd -3 -T0 | age" ;;
    restic) name="restic backup (first, local repo)" ;;
  esac
  if [ -z "${SEC[$t]:-}" ]; then
    printf '%-34s %9s %9s %14s %12s\n' "$name" - - - "$([ "$EGG_FAILED" = 1 ] && echo '(failed)' || echo '(skipped)')"
    continue
  fi
  printf '%-34s %9.1f %9.1f %14.1f %12.1f\n' "$name" "${SEC[$t]}" "$(mibs "$t")" "${RSS[$t]}" "$(echo "scale=1; ${OUT[$t]} / 1048576" | bc)"
done
printf 'source floors: pg_dump -Fc -Z0 of benchdata through docker exec %.1f s; awscli fetching all objects %.1f s\n' \
  "$(jq -r .seconds "$W/pgfloor.res")" "$(jq -r .seconds "$W/s3floor.res")"
echo "pipeline RSS per process (MiB): ${NOTE[pipeline]}; the row shows the largest one"
echo "peak RSS = largest ru_maxrss of any one process in the tool's tree (getrusage RUSAGE_CHILDREN);"
printf '  a process smaller than the measuring wrapper reads as its size (%.1f MiB);\n' "$FLOOR"
echo "  egg's figure does not include what runs inside the containers (pg_dump, the S3 server)"
if [ -n "${SEC[egg]:-}" ]; then
  vs_pipe=$(echo "scale=3; ${SEC[pipeline]} / ${SEC[egg]}" | bc)
  vs_restic=$(echo "scale=3; ${SEC[restic]} / ${SEC[egg]}" | bc)
  verdict() { [ "$(echo "$1" | bc)" = 1 ] && echo met || echo MISSED; }
  printf 'egg / pipeline throughput: %.0f %%   (target >= 80 %%: %s)\n' "$(echo "$vs_pipe * 100" | bc)" "$(verdict "$vs_pipe >= 0.8")"
  printf 'egg / restic throughput:   %.2fx   (target > 1, ahead of restic: %s)\n' "$vs_restic" "$(verdict "$vs_restic > 1")"
  printf 'egg peak RSS:              %.1f MiB (target < 100 MiB: %s)\n' "${RSS[egg]}" "$(verdict "${RSS[egg]} < 100")"
else
  printf 'pipeline / restic throughput: %.2fx; egg not run, no target checked\n' "$(echo "scale=3; ${SEC[restic]} / ${SEC[pipeline]}" | bc)"
fi
[ "$EGG_FAILED" = 0 ] || { echo "egg backup failed (see above)"; exit 1; }
