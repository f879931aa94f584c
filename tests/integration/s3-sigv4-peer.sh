#!/usr/bin/env bash
# Proves egg's SigV4 signer against a real S3 peer (SeaweedFS), independently of egg's HTTP layer:
# tests/tools/s3sign signs each request with egg/s3, curl sends it, the server must accept it.
# Usage: tests/integration/s3-sigv4-peer.sh [path/to/s3sign]
# Needs the venv from scripts/install-deps.sh (weed, aws). Last line: "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=${EGG_CACHE:-$HOME/.cache/egg}/venv/bin
WEED=$VENV/weed
AWS=$VENV/aws
PY=$VENV/python3
S3SIGN=${1:-}
if [[ -z $S3SIGN ]]; then
  for c in "$ROOT"/build/*/tests/tools/s3sign; do [[ -x $c ]] && S3SIGN=$c && break; done
fi

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
finish() { echo "$PASS passed, $FAIL failed"; [[ $FAIL -eq 0 ]]; exit $?; }

for tool in "$S3SIGN" "$WEED" "$AWS" "$PY"; do
  if [[ -z $tool || ! -x $tool ]]; then bad "missing tool '${tool:-s3sign}' (build tests/tools, run scripts/install-deps.sh)"; finish; fi
done

TMP=$(mktemp -d)
WEED_PID=
cleanup() {
  [[ -n $WEED_PID ]] && kill "$WEED_PID" 2>/dev/null && wait "$WEED_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

AK=EGGPEERTESTKEY01
SK=egg-peer-test-secret-$RANDOM$RANDOM
BUCKET=egg-sigv4-peer
printf '%s\n%s\n' "$AK" "$SK" > "$TMP/creds"
printf '%s\n%s\n' "$AK" "not-the-secret" > "$TMP/wrong-creds"
source "$ROOT/tests/integration/weed-fixture.sh"
start_weed "$TMP" "$AK" "$SK" >/dev/null 2>&1
EP=$WEED_EP

# send WANT_CODE METHOD RAW_PATH [s3sign options...]: signs with s3sign, sends with curl.
# Leaves the body in $TMP/resp and the response headers in $TMP/resp.h; returns 0 on WANT_CODE.
send() {
  local want=$1 method=$2 path=$3
  shift 3
  local opts=("$@") data=() lines hdrs=() url code has_ct=0 i
  for ((i = 0; i < ${#opts[@]}; i++)); do
    [[ ${opts[i]} == --payload ]] && data=(--data-binary "@${opts[i + 1]}")
  done
  mapfile -t lines < <("$S3SIGN" --endpoint "$EP" --creds "${CREDS:-$TMP/creds}" "${opts[@]}" "$method" "$path")
  [[ ${#lines[@]} -gt 1 && ${lines[0]} == URL\ * ]] || { echo "  s3sign failed"; return 1; }
  url=${lines[0]#URL }
  for i in "${lines[@]:1}"; do
    hdrs+=(-H "${i#H }")
    [[ ${i,,} == "h content-type:"* ]] && has_ct=1
  done
  # curl would add its own Content-Type for --data-binary and Expect for large bodies.
  [[ $has_ct -eq 0 ]] && hdrs+=(-H "Content-Type:")
  hdrs+=(-H "Expect:")
  local m=(-X "$method")
  [[ $method == HEAD ]] && m=(-I)
  code=$(curl -sS --path-as-is -o "$TMP/resp" -D "$TMP/resp.h" -w '%{http_code}' "${m[@]}" \
    "${hdrs[@]}" "${data[@]}" "$url") || true
  LAST_CODE=$code
  [[ $code == "$want" ]] || { echo "  $method $url -> HTTP $code, wanted $want: $(head -c 400 "$TMP/resp")"; return 1; }
}

xml() {  # xml XPATH-ish-tag: prints every text of <tag> in $TMP/resp (namespace ignored)
  "$PY" -c 'import sys,xml.etree.ElementTree as E
r=E.parse(sys.argv[1]).getroot()
for e in r.iter():
  if e.tag.split("}")[-1]==sys.argv[2]: print(e.text or "")' "$TMP/resp" "$1"
}
etag() { tr -d '\r' < "$TMP/resp.h" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tail -1; }
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1 \
  AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
awsc() { "$AWS" --endpoint-url "$EP" "$@"; }

# Ready when a signed ListBuckets succeeds (the S3 port answers before the filer is up).
ready=0
for _ in $(seq 1 120); do
  if ! kill -0 "$WEED_PID" 2>/dev/null; then break; fi
  if send 200 GET / >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.5
done
if [[ $ready -ne 1 ]]; then bad "SeaweedFS did not become ready; log tail:"; tail -20 "$TMP/weed.log"; finish; fi
ok "SeaweedFS $("$WEED" version 2>/dev/null | head -1 | awk '{print $3}') up on $EP, signed ListBuckets accepted"

send 200 PUT "/$BUCKET" && ok "CreateBucket" || bad "CreateBucket"
send 200 HEAD "/$BUCKET" && ok "HeadBucket" || bad "HeadBucket"
send 200 GET / && xml Name | grep -qx "$BUCKET" && ok "ListBuckets lists the bucket" || bad "ListBuckets"

printf 'hello from egg\n' > "$TMP/small"
send 200 PUT "/$BUCKET/plain.txt" --payload "$TMP/small" \
  && ok "PutObject with the real payload hash" || bad "PutObject signed payload"

ODD_KEY="dir/with space+plus & ü ✓ 100%.txt"
head -c 70000 /dev/urandom > "$TMP/odd"
send 200 PUT "/$BUCKET/$ODD_KEY" --payload "$TMP/odd" --unsigned \
  && ok "PutObject UNSIGNED-PAYLOAD, key with space, '+', '&', '%' and unicode" || bad "PutObject unsigned"

send 200 GET "/$BUCKET/plain.txt" && cmp -s "$TMP/resp" "$TMP/small" \
  && ok "GetObject returns the bytes" || bad "GetObject plain"
send 200 GET "/$BUCKET/$ODD_KEY" && cmp -s "$TMP/resp" "$TMP/odd" \
  && ok "GetObject of the odd key returns the bytes" || bad "GetObject odd key"
send 206 GET "/$BUCKET/plain.txt" --header "Range: bytes=0-4" && [[ $(cat "$TMP/resp") == hello ]] \
  && ok "GetObject with a signed Range header" || bad "GetObject range"

if send 200 GET "/$BUCKET" --query list-type=2 --query "prefix=dir/with space+"; then
  keys=$(xml Key)
  [[ $keys == "$ODD_KEY" ]] && ok "ListObjectsV2 with an encoded prefix finds exactly the odd key" \
    || bad "ListObjectsV2 prefix: got '$keys'"
else bad "ListObjectsV2 prefix"; fi
# Paging: max-keys=1 must hand out a continuation token that, signed back, yields the next key.
if send 200 GET "/$BUCKET" --query list-type=2 --query max-keys=1; then
  first=$(xml Key); token=$(xml NextContinuationToken)
  if [[ -n $token ]] && send 200 GET "/$BUCKET" --query list-type=2 --query max-keys=1 --query "continuation-token=$token"; then
    second=$(xml Key)
    [[ -n $first && -n $second && $first != "$second" ]] && ok "ListObjectsV2 continuation token round trip" \
      || bad "ListObjectsV2 paging: '$first' then '$second'"
  else bad "ListObjectsV2 continuation (token '$token')"; fi
else bad "ListObjectsV2 max-keys"; fi

# Multipart: 5 MiB + 5 MiB + 1 byte, each part signed with its real hash.
MP_KEY="backups/multi part ü.bin"
head -c $((5 * 1024 * 1024)) /dev/urandom > "$TMP/p1"
head -c $((5 * 1024 * 1024)) /dev/urandom > "$TMP/p2"
head -c 1 /dev/urandom > "$TMP/p3"
cat "$TMP/p1" "$TMP/p2" "$TMP/p3" > "$TMP/whole"
if send 200 POST "/$BUCKET/$MP_KEY" --query uploads; then
  UPLOAD_ID=$(xml UploadId)
  ok "CreateMultipartUpload (?uploads=) -> UploadId"
  part_args=()
  parts_ok=1
  for n in 1 2 3; do
    if send 200 PUT "/$BUCKET/$MP_KEY" --query "partNumber=$n" --query "uploadId=$UPLOAD_ID" --payload "$TMP/p$n"; then
      part_args+=(--part "$n=$(etag)")  # the quoted ETag, as UploadPart returned it
    else parts_ok=0; fi
  done
  [[ $parts_ok -eq 1 ]] && ok "UploadPart x3 (5 MiB, 5 MiB, 1 byte)" || bad "UploadPart"
  # The body is egg's own (complete_multipart_body), written and signed by s3sign.
  if send 200 POST "/$BUCKET/$MP_KEY" --query "uploadId=$UPLOAD_ID" "${part_args[@]}" \
      --body-out "$TMP/complete.xml" --payload "$TMP/complete.xml" --header "Content-Type: application/xml" \
      && [[ $("$PY" -c 'import sys,xml.etree.ElementTree as E;print(E.parse(sys.argv[1]).getroot().tag.split("}")[-1])' "$TMP/resp") == CompleteMultipartUploadResult ]]; then
    ok "CompleteMultipartUpload (result, not an Error inside 200)"
  else bad "CompleteMultipartUpload"; fi
  len=$(awsc s3api head-object --bucket "$BUCKET" --key "$MP_KEY" --query ContentLength --output text 2>&1)
  [[ $len == $((10 * 1024 * 1024 + 1)) ]] && ok "awscli head-object: ContentLength $len" || bad "awscli head-object: $len"
  if awsc s3api get-object --bucket "$BUCKET" --key "$MP_KEY" "$TMP/fetched" >/dev/null 2>&1 \
      && [[ $(sha256sum < "$TMP/fetched") == $(sha256sum < "$TMP/whole") ]]; then
    ok "awscli get-object: sha256 matches the three parts"
  else bad "awscli get-object sha256"; fi
else bad "CreateMultipartUpload"; fi

ABORT_KEY="backups/aborted.bin"
if send 200 POST "/$BUCKET/$ABORT_KEY" --query uploads; then
  AID=$(xml UploadId)
  send 200 PUT "/$BUCKET/$ABORT_KEY" --query partNumber=1 --query "uploadId=$AID" --payload "$TMP/p3" || bad "UploadPart before abort"
  if send 204 DELETE "/$BUCKET/$ABORT_KEY" --query "uploadId=$AID"; then
    # The upload is gone: its parts can no longer be listed.
    send 404 GET "/$BUCKET/$ABORT_KEY" --query "uploadId=$AID" && ok "AbortMultipartUpload (204; upload gone)" \
      || bad "upload still listable after abort (HTTP $LAST_CODE)"
  else bad "AbortMultipartUpload"; fi
else bad "CreateMultipartUpload for abort"; fi

del_ok=1
for k in plain.txt "$ODD_KEY" "$MP_KEY"; do send 204 DELETE "/$BUCKET/$k" || del_ok=0; done
[[ $del_ok -eq 1 ]] && ok "DeleteObject x3" || bad "DeleteObject"
send 404 HEAD "/$BUCKET/plain.txt" && ok "HeadObject after delete: 404" || bad "HeadObject after delete (HTTP $LAST_CODE)"

if CREDS=$TMP/wrong-creds send 403 GET "/$BUCKET" --query list-type=2 && [[ $(xml Code) == SignatureDoesNotMatch ]]; then
  ok "wrong secret rejected: 403 SignatureDoesNotMatch"
else bad "wrong secret not rejected as SignatureDoesNotMatch: HTTP $LAST_CODE $(xml Code 2>/dev/null)"; fi
# A request altered after signing (the signed prefix changed) must be refused too.
mapfile -t L < <("$S3SIGN" --endpoint "$EP" --creds "$TMP/creds" --query list-type=2 --query prefix=a GET "/$BUCKET")
H=(); for l in "${L[@]:1}"; do H+=(-H "${l#H }"); done
code=$(curl -sS -o "$TMP/resp" -w '%{http_code}' "${H[@]}" "${L[0]#URL }b")
[[ $code == 403 ]] && ok "request changed after signing rejected (403)" || bad "tampered request got HTTP $code"

finish
