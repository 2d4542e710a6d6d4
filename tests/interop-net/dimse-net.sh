#!/usr/bin/env bash
# Network interop of `dimse echo`, `dimse listen`, `dimse find`, `dimse get` and `dimse store` with DCMTK's echoscu,
# storescu, storescp and dcmqrscp over 127.0.0.1.
# Usage: dimse-net.sh CHECK DIMSE CORPUS_DIR STORE_SCU
# Exit 0 pass, 1 fail, 77 skip (DCMTK missing).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

check=$1
dimse=$2
corpus=$3
store_scu=${4:-}

for tool in echoscu storescu storescp dcmqrscp dcmdump dump2dcm dcmconv; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool (DCMTK) is not installed"; exit 77; }
done

export TCP_NODELAY=1
net_init

cleanup_tiny () {
  cleanup_listen_first
  umount "$tmp/tiny" 2> /dev/null
  cleanup
}

# `dimse listen` holds files on the tmpfs open until it exits.
cleanup_listen_first () {
  for pid in "${pids[@]}"; do
    kill "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
  done
  pids=()
}
trap 'exit 1' INT TERM

# Starts `dimse listen` with the given options; sets listen_port and
# listen_pid, the output in $tmp/listen.out and .err.
start_listen () {
  # An earlier listen's "Listening on port" line must not be read for this
  # one's before the new process truncates the file.
  rm -f "$tmp/listen.out"
  "$dimse" listen --port 0 "$@" > "$tmp/listen.out" 2> "$tmp/listen.err" &
  listen_pid=$!
  pids+=("$listen_pid")
  for _ in $(seq 1 100); do
    listen_port=$(sed -n 's/^Listening on port \([0-9]*\).*/\1/p' "$tmp/listen.out")
    [ -n "$listen_port" ] && return 0
    kill -0 "$listen_pid" 2> /dev/null || break
    sleep 0.1
  done
  cat "$tmp/listen.err"
  fail "dimse listen did not start"
}

stop_listen () {
  kill -TERM "$listen_pid"
  local rc=0
  wait "$listen_pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "dimse listen exited with $rc on SIGTERM"
}

start_storescp () {
  mkdir -p "$tmp/storescp"
  for _ in 1 2 3 4 5; do
    storescp_port=$(free_port) || fail "no free port"
    storescp "$@" -od "$tmp/storescp" "$storescp_port" > "$tmp/storescp.log" 2>&1 &
    pids+=($!)
    wait_for_port "$storescp_port" $! && return 0
  done
  cat "$tmp/storescp.log"
  fail "storescp did not start"
}

start_dcmqrscp () {
  mkdir -p "$tmp/qr/db"
  for _ in 1 2 3 4 5; do
    qr_port=$(free_port) || fail "no free port"
    cat > "$tmp/qr/dcmqrscp.cfg" <<CFG
NetworkTCPPort  = $qr_port
MaxPDUSize      = 16384
MaxAssociations = 4
HostTable BEGIN
friend = (FRIEND, localhost, ${qr_friend_port:-104})
listener = (LISTENER, localhost, ${qr_listener_port:-105})
friends = friend
HostTable END
VendorTable BEGIN
VendorTable END
AETable BEGIN
QRSCP  $tmp/qr/db  RW  (20, 64mb)  friends
AETable END
CFG
    dcmqrscp "$@" -c "$tmp/qr/dcmqrscp.cfg" > "$tmp/qr.log" 2>&1 &
    pids+=($!)
    wait_for_port "$qr_port" $! && return 0
  done
  cat "$tmp/qr.log"
  fail "dcmqrscp did not start"
}

# "Result: Rejected Permanent, Source: Service User" + "Reason: …" from
# echoscu become "Rejected Permanent, Service User, …", our wording.
dcmtk_rejection () {
  local result source reason
  result=$(sed -n 's/.*Result: \(.*\), Source: .*/\1/p' "$tmp/run.err")
  source=$(sed -n 's/.*Result: .*, Source: \(.*\)/\1/p' "$tmp/run.err")
  reason=$(sed -n 's/.*Reason: \(.*\)/\1/p' "$tmp/run.err")
  [ -n "$result" ] && [ -n "$reason" ] || { cat "$tmp/run.err"; fail "echoscu did not report a rejection"; }
  echo "$result, $source, $reason"
}

expect_same_rejection () {
  # $1: echoscu arguments; the rest: dimse echo arguments
  local dcmtk_args=$1 words
  shift
  run echoscu $dcmtk_args
  words=$(dcmtk_rejection)
  expect_exit 3 "$dimse" echo "$@"
  grep -qF "$words" "$tmp/run.err" || { cat "$tmp/run.err"; fail "dimse echo did not say “$words”"; }
  echo "rejected as DCMTK says: $words"
}

make_inputs () {
  mkdir -p "$tmp/in"
  dump2dcm +te "$corpus/all-vrs.dump" "$tmp/in/all-vrs.dcm" || fail "dump2dcm all-vrs"
  dump2dcm +te "$corpus/sequences.dump" "$tmp/in/sequences.dcm" || fail "dump2dcm sequences"
  dump2dcm +ti "$corpus/latin1.dump" "$tmp/in/latin1.dcm" || fail "dump2dcm latin1"
  dump2dcm +te "$corpus/private.dump" "$tmp/in/private.dcm" || fail "dump2dcm private"
  # A larger instance, so that the data set spans many P-DATA-TF PDUs.
  {
    echo "(0008,0016) UI =SecondaryCaptureImageStorage"
    echo "(0008,0018) UI [1.2.826.0.1.3680043.10.1247.77.1]"
    echo "(0010,0010) PN [Large^Instance]"
    echo "(0028,0002) US 1"
    echo "(0028,0004) CS [MONOCHROME2]"
    echo "(0028,0010) US 300"
    echo "(0028,0011) US 500"
    echo "(0028,0100) US 16"
    echo "(0028,0101) US 16"
    echo "(0028,0102) US 15"
    echo "(0028,0103) US 0"
    printf "(7fe0,0010) OW "
    seq 0 149999 | awk '{ printf "%s%04x", (NR > 1 ? "\\" : ""), ($1 * 7919) % 65536 }'
    echo
  } > "$tmp/large.dump"
  dump2dcm +l 4000000 +te "$tmp/large.dump" "$tmp/in/large.dcm" || fail "dump2dcm large"
}

ts_of () {
  dcmdump -q -s +P 0002,0010 "$1" | sed -n 's/.*UI \[\{0,1\}=\{0,1\}\([^] ]*\).*/\1/p'
}

uid_of () {
  dcmdump -q -s +P "$2" "$1" | sed -n 's/.*UI \[\([^]]*\)\].*/\1/p'
}

# PS3.10 §7.1: the data set follows 128 + 4 bytes of prefix and the meta
# group, whose (0002,0000) element is 12 bytes long.
data_set_bytes () {
  local length
  length=$(dcmdump -q -s +P 0002,0000 "$1" | sed -n 's/^(0002,0000) UL \([0-9]*\).*/\1/p')
  [ -n "$length" ] || fail "$1 has no File Meta Information Group Length"
  tail -c +$((128 + 4 + 12 + length + 1)) "$1"
}

dump_data_set () {
  dcmdump -q +L "$1" | grep -a -v -e '^(0002,' -e '^#' -e '^ *$'
}

# Every input arrived as <SOP Instance UID>.dcm with the same elements.
compare_outputs () {
  local out=$1 in=${2:-$tmp/in} f uid stored ts conv
  for f in "$in"/*.dcm; do
    uid=$(uid_of "$f" 0008,0018)
    stored="$out/$uid.dcm"
    # storescp -fe .dcm names them <modality>.<SOP Instance UID>.dcm
    [ -f "$stored" ] || stored=$(ls "$out"/*."$uid".dcm 2> /dev/null | head -n 1)
    [ -n "$stored" ] && [ -f "$stored" ] || fail "$(basename "$f") ($uid) was not stored in $out"
    [ "$(uid_of "$stored" 0002,0003)" = "$uid" ] || fail "$stored: wrong Media Storage SOP Instance UID"
    [ "$(uid_of "$stored" 0002,0002)" = "$(uid_of "$f" 0008,0016)" ] \
      || fail "$stored: wrong Media Storage SOP Class UID"
    ts=$(ts_of "$stored")
    conv="$f"
    if [ "$ts" != "$(ts_of "$f")" ]; then
      conv="$tmp/conv.dcm"
      case "$ts" in
        LittleEndianImplicit) dcmconv +ti "$f" "$conv" ;;
        LittleEndianExplicit) dcmconv +te "$f" "$conv" ;;
        *) dcmconv +tb "$f" "$conv" ;;
      esac || fail "dcmconv $f"
    fi
    dump_data_set "$conv" > "$tmp/expected"
    [ "$(grep -c '^(' "$tmp/expected")" -gt 3 ] || fail "dcmdump printed too little of $f"
    diff "$tmp/expected" <(dump_data_set "$stored") > "$tmp/diff" \
      || { cat "$tmp/diff"; fail "$stored differs from $(basename "$f")"; }
  done
  echo "$(ls "$in"/*.dcm | wc -l) instances stored, equal element by element"
}

# ---- the archive of the find checks: dcmqrscp filled by storescu ----
qr_root=1.2.826.0.1.3680043.10.1247.200

# qr_instance N NAME PATIENT_ID STUDY DATE SERIES MODALITY SERIES_NUMBER IMAGE [CHARSET]:
# $tmp/arch/N.dcm, its UIDs under $qr_root.
qr_instance () {
  {
    [ -n "${10:-}" ] && echo "(0008,0005) CS [${10}]"
    echo "(0008,0016) UI =SecondaryCaptureImageStorage"
    echo "(0008,0018) UI [$qr_root.$9]"
    echo "(0008,0020) DA [$5]"
    echo "(0008,0030) TM [101500]"
    echo "(0008,0060) CS [$7]"
    printf '(0010,0010) PN [%s]\n' "$2"
    echo "(0010,0020) LO [$3]"
    echo "(0020,000d) UI [$qr_root.$4]"
    echo "(0020,000e) UI [$qr_root.$6]"
    echo "(0020,0011) IS [$8]"
  } > "$tmp/arch/$1.dump"
  dump2dcm +te "$tmp/arch/$1.dump" "$tmp/arch/$1.dcm" || fail "dump2dcm $1"
}

# Three patients (one named in Latin-1), three studies, four series, five
# images; more images in series 1.1 with --many. Other arguments go to dcmqrscp.
make_archive () {
  local many=0
  [ "${1:-}" = --many ] && { many=1; shift; }
  start_dcmqrscp "$@"
  mkdir -p "$tmp/arch"
  qr_instance 1 'DOE^JOHN' P1 1 20200315 1.1 MR 1 1.1.1
  qr_instance 2 'DOE^JOHN' P1 1 20200315 1.1 MR 1 1.1.2
  qr_instance 3 'DOE^JOHN' P1 1 20200315 1.2 CT 2 1.2.1
  qr_instance 4 'DOE^JANE' P3 3 20201120 3.1 CT 1 3.1.1
  qr_instance 5 $'M\xdcLLER^J\xdcRGEN' P2 2 20210610 2.1 MR 1 2.1.1 'ISO_IR 100'
  if [ "$many" -eq 1 ]; then
    for i in $(seq 3 30); do
      qr_instance "m$i" 'DOE^JOHN' P1 1 20200315 1.1 MR 1 "1.1.$i"
    done
  fi
  expect_exit 0 storescu -aet FRIEND -aec QRSCP 127.0.0.1 "$qr_port" "$tmp"/arch/*.dcm
}

# Runs dimse find against the archive as FRIEND; $1 the exit status wanted.
qr_find () {
  local want=$1
  shift
  expect_exit "$want" "$dimse" find --aet FRIEND --timeout 20 "$@" "QRSCP@127.0.0.1:$qr_port"
}

# The JSON array `dimse find --json` printed: $1 the number of matches, $2
# the tag whose first values, sorted and joined by '|', must be $3.
expect_json_values () {
  local n=$1 tag=$2 want=$3 got
  got=$(/usr/bin/python3 - "$tmp/run.out" "$tag" <<'PY'
import json, sys
matches = json.load(open(sys.argv[1], encoding='utf-8'))
values = []
for m in matches:
    v = m.get(sys.argv[2], {}).get('Value', [''])[0]
    values.append(v['Alphabetic'] if isinstance(v, dict) else str(v))
print(len(matches), '|'.join(sorted(values)))
PY
  ) || { cat "$tmp/run.out"; fail "dimse find --json did not print a JSON array"; }
  [ "$got" = "$n $want" ] \
    || { cat "$tmp/run.out"; fail "expected $n matches with $tag $want, got: $got"; }
}

case "$check" in
  echo-storescp)
    start_storescp
    expect_exit 0 "$dimse" echo --timeout 20 "STORESCP@127.0.0.1:$storescp_port"
    grep -q "C-ECHO to STORESCP@127.0.0.1:$storescp_port: Success (0x0000) in [0-9.]* ms" \
      "$tmp/run.out" || { cat "$tmp/run.out"; fail "no success line"; }
    grep -q "Peer implementation: 1.2.276.0.7230010" "$tmp/run.out" \
      || fail "the peer's implementation class UID is not printed"
    # -v: the PDUs as they go
    expect_exit 0 "$dimse" echo -v "STORESCP@127.0.0.1:$storescp_port"
    for pdu in "→ A-ASSOCIATE-RQ" "← A-ASSOCIATE-AC" P-DATA-TF A-RELEASE-RQ A-RELEASE-RP; do
      grep -q "$pdu" "$tmp/run.err" || { cat "$tmp/run.err"; fail "-v did not print $pdu"; }
    done
    ;;
  echo-dcmqrscp)
    start_dcmqrscp
    expect_exit 0 "$dimse" echo --aet FRIEND "QRSCP@127.0.0.1:$qr_port"
    grep -q "Success (0x0000)" "$tmp/run.out" || fail "no success line"
    ;;
  echoscu-listen)
    mkdir -p "$tmp/out"
    start_listen --out "$tmp/out" --accept any -v
    expect_exit 0 echoscu -aet ECHOSCU -aec ANY 127.0.0.1 "$listen_port"
    expect_exit 0 "$dimse" echo "ANY@127.0.0.1:$listen_port"
    n_echoes=2
    # over IPv6 too, where the host has a loopback for it
    if (exec 3<> "/dev/tcp/::1/$listen_port") 2> /dev/null; then
      expect_exit 0 "$dimse" echo "ANY@[::1]:$listen_port"
      grep -q "C-ECHO to ANY@\[::1\]:$listen_port: Success" "$tmp/run.out" \
        || fail "no success over IPv6"
      n_echoes=3
    fi
    stop_listen
    [ "$(grep -c '← A-RELEASE-RQ' "$tmp/listen.err")" -eq "$n_echoes" ] \
      || { cat "$tmp/listen.err"; fail "-v did not print each association's PDUs"; }
    ! grep -q warning "$tmp/listen.err" || fail "--accept any still warned"
    ;;
  storescu-listen|storescu-listen-max-pdu|storescu-listen-implicit)
    make_inputs
    mkdir -p "$tmp/out"
    case "$check" in
      storescu-listen) start_listen --out "$tmp/out" --accept STORESCU; extra=() ;;
      storescu-listen-max-pdu) start_listen --out "$tmp/out" --max-pdu 4096; extra=(-xe) ;;
      *) start_listen --out "$tmp/out" --accept any; extra=(-xi) ;;
    esac
    expect_exit 0 storescu "${extra[@]}" -aet STORESCU -aec ANY 127.0.0.1 "$listen_port" "$tmp"/in/*.dcm
    # again: duplicates replace the earlier files
    expect_exit 0 storescu "${extra[@]}" -aet STORESCU -aec ANY 127.0.0.1 "$listen_port" "$tmp"/in/*.dcm
    stop_listen
    [ "$(grep -c '^Stored ' "$tmp/listen.out")" -eq 10 ] \
      || { cat "$tmp/listen.out"; fail "dimse listen did not print one line per instance"; }
    [ "$(ls -A "$tmp/out" | wc -l)" -eq 5 ] || { ls -A "$tmp/out"; fail "stray files in the out folder"; }
    if [ "$check" = storescu-listen-max-pdu ]; then
      grep -q warning "$tmp/listen.err" || fail "no warning without --accept"
    fi
    compare_outputs "$tmp/out"
    ;;
  storescu-listen-rle)
    # an encapsulated transfer syntax: the bytes are stored as they come
    command -v dcmcrle > /dev/null || { echo "SKIP: dcmcrle is not installed"; exit 77; }
    make_inputs
    mkdir -p "$tmp/rle" "$tmp/out"
    dcmcrle "$tmp/in/large.dcm" "$tmp/rle/large.dcm" || fail "dcmcrle"
    [ "$(ts_of "$tmp/rle/large.dcm")" = RLELossless ] || fail "dcmcrle did not make RLE"
    start_listen --out "$tmp/out" --accept any
    expect_exit 0 storescu -xr -aec ANY 127.0.0.1 "$listen_port" "$tmp/rle/large.dcm"
    stop_listen
    [ "$(ts_of "$tmp/out/1.2.826.0.1.3680043.10.1247.77.1.dcm")" = RLELossless ] \
      || fail "not stored in RLE Lossless"
    compare_outputs "$tmp/out" "$tmp/rle"
    ;;
  storescu-refused)
    # PS3.4 §B.2.3: an instance UID that is no valid UID is refused, nothing stored
    printf '%s\n' '(0008,0016) UI =SecondaryCaptureImageStorage' '(0008,0018) UI [1.2.03.4]' \
      '(0010,0010) PN [Bad^Uid]' > "$tmp/bad.dump"
    dump2dcm +te "$tmp/bad.dump" "$tmp/bad.dcm" || fail "dump2dcm bad"
    mkdir -p "$tmp/out"
    start_listen --out "$tmp/out" --accept any
    run storescu -d -aec ANY 127.0.0.1 "$listen_port" "$tmp/bad.dcm"
    grep -q "DIMSE Status *: 0xc000" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no 0xC000 status"; }
    grep -q "ErrorComment" "$tmp/run.err" || fail "no Error Comment in the response"
    stop_listen
    grep -q "^Refused .* 1.2.03.4 .*(0xC000)" "$tmp/listen.out" \
      || { cat "$tmp/listen.out"; fail "dimse listen did not report the refusal"; }
    [ -z "$(ls -A "$tmp/out")" ] || { ls -A "$tmp/out"; fail "files left in the out folder"; }
    ;;
  listen-unsafe-uid)
    # issue #5/#9: SOP Instance UIDs that are paths are refused (C000 with
    # an Error Comment); nothing is written in the folder or outside it
    mkdir -p "$tmp/deep/er/out"
    start_listen --out "$tmp/deep/er/out" --accept any
    for uid in '../../x' '1.2/3' '..' '.1.2' '1..2'; do
      printf '%s\n' '(0008,0016) UI =SecondaryCaptureImageStorage' "(0008,0018) UI [$uid]" \
        '(0010,0010) PN [Bad^Path]' > "$tmp/bad.dump"
      dump2dcm +te "$tmp/bad.dump" "$tmp/bad.dcm" || fail "dump2dcm $uid"
      run storescu -d -aec ANY 127.0.0.1 "$listen_port" "$tmp/bad.dcm"
      grep -q "DIMSE Status *: 0xc000" "$tmp/run.err" || { cat "$tmp/run.err"; fail "$uid: no 0xC000"; }
      grep -q "ErrorComment" "$tmp/run.err" || fail "$uid: no Error Comment in the response"
    done
    stop_listen
    [ "$(grep -c '^Refused .*(0xC000)' "$tmp/listen.out")" -eq 5 ] \
      || { cat "$tmp/listen.out"; fail "dimse listen did not report five refusals"; }
    [ -z "$(ls -A "$tmp/deep/er/out")" ] || { ls -A "$tmp/deep/er/out"; fail "files in the folder"; }
    [ -z "$(find "$tmp" -name 'x*' -o -name '3*' -o -name '*.dcm' ! -name bad.dcm)" ] \
      || { find "$tmp"; fail "a file was written outside the folder"; }
    ;;
  listen-duplicates)
    # --duplicates keep leaves the first copy, answered Success; the default
    # replaces it; files are 0644 and never executable
    umask 022
    for name in First Second; do
      printf '%s\n' '(0008,0016) UI =SecondaryCaptureImageStorage' \
        '(0008,0018) UI [1.2.826.0.1.3680043.10.1247.77.9]' "(0010,0010) PN [$name^Copy]" \
        > "$tmp/$name.dump"
      dump2dcm +te "$tmp/$name.dump" "$tmp/$name.dcm" || fail "dump2dcm $name"
    done
    stored_name () {
      dcmdump -q +P 0010,0010 "$tmp/$1/1.2.826.0.1.3680043.10.1247.77.9.dcm" | sed -n 's/.*PN \[\([^]]*\)\].*/\1/p'
    }
    for policy in keep replace; do
      mkdir -p "$tmp/$policy"
      start_listen --out "$tmp/$policy" --accept any --duplicates "$policy"
      for name in First Second; do
        run storescu -aec ANY 127.0.0.1 "$listen_port" "$tmp/$name.dcm" \
          || { cat "$tmp/run.err"; fail "$policy: storescu $name failed"; }
      done
      stop_listen
      if [ "$policy" = keep ]; then
        grep -q '^Kept .*77\.9 .*already stored' "$tmp/listen.out" \
          || { cat "$tmp/listen.out"; fail "keep: the kept copy was not reported"; }
      fi
      [ "$(ls -A "$tmp/$policy" | wc -l)" -eq 1 ] || { ls -A "$tmp/$policy"; fail "$policy: not one file"; }
      [ "$(stat -c %a "$tmp/$policy/1.2.826.0.1.3680043.10.1247.77.9.dcm")" = 644 ] \
        || fail "$policy: the file's mode is not 0644"
    done
    [ "$(stored_name keep)" = "First^Copy" ] || fail "keep: the first copy was not kept"
    [ "$(stored_name replace)" = "Second^Copy" ] || fail "replace: the second copy did not replace it"
    expect_exit 2 "$dimse" listen --port 0 --out "$tmp/keep" --duplicates sometimes
    grep -q -- "--duplicates must be replace or keep" "$tmp/run.err" || fail "bad --duplicates not refused"
    ;;
  listen-sweep)
    # temporary files a dead process left (untouched for long) are swept at
    # start; a fresh one, maybe another process's, is left alone
    mkdir -p "$tmp/out"
    echo partial > "$tmp/out/.dimse-store-AbC123.part"
    touch -d '2 hours ago' "$tmp/out/.dimse-store-AbC123.part"
    echo partial > "$tmp/out/.dimse-store-XyZ789.part"
    echo keep > "$tmp/out/other.txt"
    touch -d '2 hours ago' "$tmp/out/other.txt"
    start_listen --out "$tmp/out" --accept any
    stop_listen
    [ ! -e "$tmp/out/.dimse-store-AbC123.part" ] || fail "the stale temporary file is still there"
    [ -e "$tmp/out/.dimse-store-XyZ789.part" ] || fail "a fresh temporary file was deleted"
    [ -e "$tmp/out/other.txt" ] || fail "a file that is not ours was deleted"
    ;;
  store-large)
    # a data set over the SCU's streaming threshold (16 MB) goes out from
    # the file in chunks: the same bytes arrive, at storescp and at dimse
    # listen, and neither of our processes holds the whole of it
    mkdir -p "$tmp/in" "$tmp/out"
    printf '%s\n' '(0008,0016) UI =SecondaryCaptureImageStorage' \
      '(0008,0018) UI [1.2.826.0.1.3680043.10.1247.77.2]' '(0010,0010) PN [Huge^Instance]' \
      '(0028,0010) US 3000' '(0028,0011) US 4000' '(0028,0100) US 16' > "$tmp/huge.dump"
    dump2dcm +te "$tmp/huge.dump" "$tmp/head.dcm" || fail "dump2dcm huge"
    {
      cat "$tmp/head.dcm"
      # (7FE0,0010) OW, explicit VR little endian, 24,000,000 bytes
      printf '\xe0\x7f\x10\x00OW\x00\x00\x00\x36\x6e\x01'
      head -c 24000000 /dev/urandom
    } > "$tmp/in/huge.dcm"
    dcmdump -q +P 7fe0,0010 "$tmp/in/huge.dcm" | grep -q '24000000' || fail "the huge file is not valid"
    start_storescp -fe .dcm
    start_listen --out "$tmp/out" --accept any
    # the peak RSS of sending the small header file is the baseline
    /usr/bin/time -f '%M' -o "$tmp/rss" timeout 60 "$dimse" store --timeout 30 \
      "STORESCP@127.0.0.1:$storescp_port" "$tmp/head.dcm" > "$tmp/run.out" 2> "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "dimse store of the header failed"; }
    base=$(tail -n 1 "$tmp/rss")
    for peer in "STORESCP@127.0.0.1:$storescp_port" "LISTEN@127.0.0.1:$listen_port"; do
      /usr/bin/time -f '%M' -o "$tmp/rss" timeout 120 "$dimse" store --timeout 30 "$peer" \
        "$tmp/in/huge.dcm" > "$tmp/run.out" 2> "$tmp/run.err" \
        || { cat "$tmp/run.err"; fail "dimse store to $peer failed"; }
      # AddressSanitizer's quarantine keeps freed memory: no bound to check there
      ldd "$dimse" | grep -q libasan || [ "$(tail -n 1 "$tmp/rss")" -lt $((base + 12000)) ] \
        || fail "dimse store held $(tail -n 1 "$tmp/rss") KB (baseline $base KB) sending 24 MB"
    done
    stop_listen
    cmp <(data_set_bytes "$tmp/in/huge.dcm") <(data_set_bytes "$tmp/out/1.2.826.0.1.3680043.10.1247.77.2.dcm") \
      || fail "dimse listen stored other bytes"
    cmp <(data_set_bytes "$tmp/in/huge.dcm") <(data_set_bytes "$(ls "$tmp"/storescp/*.1.2.826.0.1.3680043.10.1247.77.2.dcm)") \
      || fail "storescp stored other bytes"
    ;;
  listen-sigterm)
    # SIGTERM while instances arrive: exit 0, only whole files left behind
    make_inputs
    mkdir -p "$tmp/out"
    start_listen --out "$tmp/out" --accept any
    files=()
    for _ in $(seq 1 100); do files+=("$tmp/in/large.dcm"); done
    timeout 60 storescu -aec ANY 127.0.0.1 "$listen_port" "${files[@]}" > "$tmp/scu.log" 2>&1 &
    scu_pid=$!
    pids+=("$scu_pid")
    for _ in $(seq 1 100); do
      grep -q '^Stored ' "$tmp/listen.out" && break
      sleep 0.05
    done
    stop_listen
    wait "$scu_pid"
    ls -A "$tmp/out" | grep -v '^1\.2\.826\.0\.1\.3680043\.10\.1247\.77\.1\.dcm$' \
      && fail "temporary files left in the out folder"
    [ "$(ls -A "$tmp/out" | wc -l)" -le 1 ] || fail "unexpected files in the out folder"
    ;;
  reject)
    # a called AE title dimse listen does not answer to
    mkdir -p "$tmp/out"
    start_listen --out "$tmp/out" --aet LISTENER --accept FRIEND
    expect_same_rejection "-aet FRIEND -aec WRONG 127.0.0.1 $listen_port" \
      --aet FRIEND "WRONG@127.0.0.1:$listen_port"
    expect_same_rejection "-aet FOE -aec LISTENER 127.0.0.1 $listen_port" \
      --aet FOE "LISTENER@127.0.0.1:$listen_port"
    # -v shows the -RQ as sent and the -RJ that answered it
    expect_exit 3 "$dimse" echo -v --aet FRIEND "WRONG@127.0.0.1:$listen_port"
    grep -q "→ A-ASSOCIATE-RQ FRIEND → WRONG" "$tmp/run.err" \
      && grep -q "← A-ASSOCIATE-RJ Rejected Permanent" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "-v did not print the -RQ and the -RJ"; }
    expect_exit 0 "$dimse" echo --aet FRIEND "LISTENER@127.0.0.1:$listen_port"
    stop_listen
    # storescp --refuse, and dcmqrscp with an unknown calling AE
    start_storescp --refuse
    expect_same_rejection "127.0.0.1 $storescp_port" "ANY@127.0.0.1:$storescp_port"
    start_dcmqrscp
    expect_same_rejection "-aet STRANGER -aec QRSCP 127.0.0.1 $qr_port" \
      --aet STRANGER "QRSCP@127.0.0.1:$qr_port"
    ;;
  closed-port)
    port=$(free_port) || fail "no free port"
    expect_exit 3 "$dimse" echo --timeout 10 "NOBODY@127.0.0.1:$port"
    # one sentence, the address said once
    grep -qx "dimse echo: Could not connect to 127.0.0.1:$port: Connection refused\." "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "no readable message for a closed port"; }
    cat "$tmp/run.err"
    expect_exit 2 "$dimse" echo "not-a-peer"
    ;;
  store-scu-storescp)
    # the engine's Storage SCU helper, the files' bytes sent as they are
    make_inputs
    start_storescp -fe .dcm
    expect_exit 0 "$store_scu" STORESCP 127.0.0.1 "$storescp_port" "$tmp"/in/*.dcm
    [ "$(grep -c 'Success' "$tmp/run.out")" -eq 5 ] || { cat "$tmp/run.out"; fail "not five successes"; }
    compare_outputs "$tmp/storescp"
    ;;
  store-scu-reencode)
    # storescp takes implicit VR little endian only: the explicit VR files
    # are re-encoded by the engine
    make_inputs
    start_storescp -fe .dcm +xi
    expect_exit 0 "$store_scu" --any-ts STORESCP 127.0.0.1 "$storescp_port" "$tmp"/in/*.dcm
    [ "$(grep -c 'Success' "$tmp/run.out")" -eq 5 ] || { cat "$tmp/run.out"; fail "not five successes"; }
    for f in "$tmp"/storescp/*.dcm; do
      [ "$(ts_of "$f")" = LittleEndianImplicit ] || fail "$f is in $(ts_of "$f")"
    done
    compare_outputs "$tmp/storescp"
    ;;
  store-disk-full)
    # a 1 MiB tmpfs: the large instance fills it mid data set and is refused
    # with A700, its partial file removed; the small one after it is stored
    [ "$(id -u)" -eq 0 ] || { echo "SKIP: mounting a tmpfs needs root"; exit 77; }
    make_inputs
    mkdir -p "$tmp/tiny"
    mount -t tmpfs -o size=1m tmpfs "$tmp/tiny" 2> /dev/null \
      || { echo "SKIP: cannot mount a tmpfs here"; exit 77; }
    trap 'cleanup_tiny' EXIT
    sed -e 's/^(0028,0010) US 300/(0028,0010) US 1200/' -e 's/1247\.77\.1\]/1247.77.2]/' \
      -e '/^(7fe0,0010)/d' "$tmp/large.dump" > "$tmp/huge.dump"
    { printf "(7fe0,0010) OW "
      seq 0 599999 | awk '{ printf "%s%04x", (NR > 1 ? "\\" : ""), $1 % 65536 }'
      echo; } >> "$tmp/huge.dump"
    dump2dcm +l 4000000 +te "$tmp/huge.dump" "$tmp/huge.dcm" || fail "dump2dcm huge"
    [ "$(stat -c %s "$tmp/huge.dcm")" -gt 1048576 ] || fail "huge.dcm fits in 1 MiB"
    start_listen --out "$tmp/tiny" --accept any
    run storescu -d -nh -aec ANY 127.0.0.1 "$listen_port" "$tmp/huge.dcm" "$tmp/in/latin1.dcm"
    grep -q "DIMSE Status *: 0xa700" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no 0xA700 status"; }
    grep -q "No space left on device.*ErrorComment" "$tmp/run.err" \
      || { grep -i comment "$tmp/run.err"; fail "the Error Comment does not name the cause"; }
    [ "$(grep -c "DIMSE Status *: 0x0000" "$tmp/run.err")" -eq 1 ] \
      || { cat "$tmp/run.err"; fail "the small instance was not stored"; }
    grep -q "Releasing Association" "$tmp/run.err" || fail "the association did not go on to a release"
    stop_listen
    grep -q "^Refused .*(0xA700): .*No space left on device" "$tmp/listen.out" \
      || { cat "$tmp/listen.out"; fail "dimse listen did not report the refusal and its cause"; }
    ls -A "$tmp/tiny" > "$tmp/left"
    [ "$(cat "$tmp/left")" = "$(uid_of "$tmp/in/latin1.dcm" 0008,0018).dcm" ] \
      || { cat "$tmp/left"; fail "not exactly the small instance left in the folder"; }
    ;;
  store-out-of-resources)
    # the out folder vanished: Out of Resources (A700), the association goes on
    make_inputs
    mkdir -p "$tmp/gone"
    start_listen --out "$tmp/gone" --accept any
    rmdir "$tmp/gone"
    expect_exit 1 "$store_scu" ANY 127.0.0.1 "$listen_port" "$tmp/in/latin1.dcm" "$tmp/in/all-vrs.dcm"
    [ "$(grep -c '0xA700' "$tmp/run.out")" -eq 2 ] || { cat "$tmp/run.out"; fail "not two A700 statuses"; }
    stop_listen
    [ "$(grep -c '^Refused .*(0xA700)' "$tmp/listen.out")" -eq 2 ] \
      || { cat "$tmp/listen.out"; fail "dimse listen did not report the refusals"; }
    ;;
  store-scu-listen-async)
    # PS3.7 §D.3.3.3: dimse listen performs up to 16 C-STOREs at once; our
    # SCU proposes 4 and keeps 4 outstanding; every file arrives intact
    make_inputs
    for i in 2 3 4 5 6 7; do
      sed "s/1247\.77\.1\]/1247.77.$i]/" "$tmp/large.dump" > "$tmp/large-$i.dump"
      dump2dcm +l 4000000 +te "$tmp/large-$i.dump" "$tmp/in/large-$i.dcm" || fail "dump2dcm large-$i"
    done
    mkdir -p "$tmp/out"
    start_listen --out "$tmp/out" --accept STORESCU -v
    expect_exit 0 "$store_scu" --async 4 ANY 127.0.0.1 "$listen_port" "$tmp"/in/*.dcm
    grep -q "^Asynchronous operations window: 4$" "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "the window of 4 was not agreed"; }
    grep -q "^At most 4 requests outstanding at once.$" "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "not 4 requests outstanding at once"; }
    grep -q "Asynchronous operations window: invoked 1, performed 4" "$tmp/listen.err" \
      || { cat "$tmp/listen.err"; fail "dimse listen -v did not print the window"; }
    # more than dimse listen allows: it answers with its own 16
    expect_exit 0 "$store_scu" --async 40 ANY 127.0.0.1 "$listen_port" "$tmp"/in/*.dcm
    grep -q "^Asynchronous operations window: 16$" "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "dimse listen did not answer with its window of 16"; }
    stop_listen
    [ "$(grep -c '^Stored ' "$tmp/listen.out")" -eq 22 ] \
      || { cat "$tmp/listen.out"; fail "dimse listen did not store every instance twice"; }
    [ "$(ls -A "$tmp/out" | wc -l)" -eq 11 ] || { ls -A "$tmp/out"; fail "stray files in the out folder"; }
    for f in "$tmp"/in/*.dcm; do
      uid=$(uid_of "$f" 0008,0018)
      cmp <(data_set_bytes "$f") <(data_set_bytes "$tmp/out/$uid.dcm") \
        || fail "the data set of $uid.dcm is not the bytes of $(basename "$f")"
    done
    ;;
  store-scu-listen)
    make_inputs
    mkdir -p "$tmp/out"
    start_listen --out "$tmp/out" --accept STORESCU
    expect_exit 0 "$store_scu" ANY 127.0.0.1 "$listen_port" "$tmp"/in/*.dcm
    stop_listen
    compare_outputs "$tmp/out"
    # byte for byte: our SCU sends the file's data set, our SCP writes it back
    for f in "$tmp"/in/*.dcm; do
      uid=$(uid_of "$f" 0008,0018)
      cmp <(data_set_bytes "$f") <(data_set_bytes "$tmp/out/$uid.dcm") \
        || fail "the data set of $uid.dcm is not the bytes of $(basename "$f")"
    done
    ;;
  store-storescp)
    # folders walked recursively, a non-DICOM file skipped with a warning;
    # storescp writes each data set as the bytes our SCU sent from the file
    make_inputs
    mkdir -p "$tmp/tree/a/b" "$tmp/tree/c"
    cp "$tmp/in/all-vrs.dcm" "$tmp/in/large.dcm" "$tmp/tree/"
    cp "$tmp/in/sequences.dcm" "$tmp/tree/a/"
    cp "$tmp/in/latin1.dcm" "$tmp/tree/a/b/"
    cp "$tmp/in/private.dcm" "$tmp/tree/c/"
    echo "not DICOM" > "$tmp/tree/a/notes.txt"
    start_storescp -fe .dcm
    expect_exit 0 "$dimse" store --timeout 20 "STORESCP@127.0.0.1:$storescp_port" "$tmp/tree"
    [ "$(grep -c '^Stored .*: Success (0x0000)$' "$tmp/run.out")" -eq 5 ] \
      || { cat "$tmp/run.out"; fail "not five success lines"; }
    grep -q "warning: skipping “$tmp/tree/a/notes.txt”" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "the non-DICOM file was not warned about"; }
    grep -qx "5 stored, 0 warnings, 0 failed" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no summary"; }
    compare_outputs "$tmp/storescp"
    for f in "$tmp"/in/*.dcm; do
      stored=$(ls "$tmp"/storescp/*."$(uid_of "$f" 0008,0018)".dcm)
      cmp <(data_set_bytes "$f") <(data_set_bytes "$stored") \
        || fail "the data set of $stored is not the bytes of $(basename "$f")"
    done
    ;;
  store-reencode)
    # storescp takes implicit VR little endian only: the explicit VR files
    # are proposed with the uncompressed syntaxes too and re-encoded
    make_inputs
    start_storescp -fe .dcm +xi
    expect_exit 0 "$dimse" store "STORESCP@127.0.0.1:$storescp_port" "$tmp"/in/*.dcm
    [ "$(grep -c '^Stored ' "$tmp/run.out")" -eq 5 ] || { cat "$tmp/run.out"; fail "not five stored"; }
    for f in "$tmp"/storescp/*.dcm; do
      [ "$(ts_of "$f")" = LittleEndianImplicit ] || fail "$f is in $(ts_of "$f")"
    done
    compare_outputs "$tmp/storescp"
    ;;
  store-parallel-listen)
    # two associations share the files; every one arrives intact
    make_inputs
    for i in 2 3 4 5; do
      sed "s/1247\.77\.1\]/1247.77.$i]/" "$tmp/large.dump" > "$tmp/large-$i.dump"
      dump2dcm +l 4000000 +te "$tmp/large-$i.dump" "$tmp/in/large-$i.dcm" || fail "dump2dcm large-$i"
    done
    mkdir -p "$tmp/out"
    start_listen --out "$tmp/out" --accept any
    expect_exit 0 "$dimse" store --parallel 2 -v "ANY@127.0.0.1:$listen_port" "$tmp/in"
    [ "$(grep -c '→ A-ASSOCIATE-RQ' "$tmp/run.err")" -eq 2 ] \
      || { cat "$tmp/run.err"; fail "not two associations"; }
    grep -qx "9 stored, 0 warnings, 0 failed" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no summary"; }
    stop_listen
    [ "$(ls -A "$tmp/out" | wc -l)" -eq 9 ] || { ls -A "$tmp/out"; fail "not nine files"; }
    for f in "$tmp"/in/*.dcm; do
      uid=$(uid_of "$f" 0008,0018)
      cmp <(data_set_bytes "$f") <(data_set_bytes "$tmp/out/$uid.dcm") \
        || fail "the data set of $uid.dcm is not the bytes of $(basename "$f")"
    done
    ;;
  store-refused)
    # a SOP class storescp does not know gets no context: that file fails
    # (exit 2), the others are stored
    make_inputs
    printf '%s\n' '(0008,0016) UI [1.2.826.0.1.3680043.10.1247.999.1]' \
      '(0008,0018) UI [1.2.826.0.1.3680043.10.1247.999.2]' '(0010,0010) PN [Odd^Class]' \
      > "$tmp/odd.dump"
    dump2dcm +te "$tmp/odd.dump" "$tmp/odd.dcm" || fail "dump2dcm odd"
    start_storescp -fe .dcm
    expect_exit 2 "$dimse" store "STORESCP@127.0.0.1:$storescp_port" "$tmp/in/latin1.dcm" \
      "$tmp/odd.dcm"
    grep -q "^Stored $tmp/in/latin1.dcm: Success" "$tmp/run.out" || { cat "$tmp/run.out"; fail "latin1 not stored"; }
    grep -q "$tmp/odd.dcm: .*no presentation context" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "the refused SOP class is not named"; }
    grep -qx "1 stored, 0 warnings, 1 failed" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no summary"; }
    # the association refused: exit 3, nothing stored
    start_storescp --refuse
    expect_exit 3 "$dimse" store "STORESCP@127.0.0.1:$storescp_port" "$tmp/in"
    grep -qx "0 stored, 0 warnings, 5 failed" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no summary"; }
    ;;
  store-split)
    # 70 storage SOP classes in explicit VR little endian need 140 contexts
    # (their own syntax, and the uncompressed fallback): two associations
    # one after the other, 128 contexts at most each
    /usr/bin/python3 -c 'import pydicom' 2> /dev/null || { echo "SKIP: no pydicom"; exit 77; }
    mkdir -p "$tmp/many" "$tmp/out"
    /usr/bin/python3 - > "$tmp/classes" <<'PY'
from pydicom._uid_dict import UID_dictionary
uids = [u for u, v in UID_dictionary.items()
        if u.startswith('1.2.840.10008.5.1.4.1.1.') and v[1] == 'SOP Class'
        and v[0].endswith('Storage') and not v[3]]
print('\n'.join(uids[:70]))
PY
    [ "$(wc -l < "$tmp/classes")" -eq 70 ] || fail "pydicom lists fewer than 70 storage SOP classes"
    i=0
    while read -r class; do
      i=$((i + 1))
      printf '%s\n' "(0008,0016) UI [$class]" "(0008,0018) UI [1.2.826.0.1.3680043.10.1247.88.$i]" \
        "(0010,0010) PN [Many^Classes]" > "$tmp/many/$i.dump"
      dump2dcm +te "$tmp/many/$i.dump" "$tmp/many/$i.dcm" || fail "dump2dcm $i"
      rm "$tmp/many/$i.dump"
    done < "$tmp/classes"
    start_listen --out "$tmp/out" --accept any
    expect_exit 0 "$dimse" store -v "ANY@127.0.0.1:$listen_port" "$tmp/many"
    [ "$(grep -c '→ A-ASSOCIATE-RQ' "$tmp/run.err")" -eq 2 ] \
      || { grep 'A-ASSOCIATE' "$tmp/run.err"; fail "not two associations"; }
    grep -qx "70 stored, 0 warnings, 0 failed" "$tmp/run.err" \
      || { grep -v '^ ' "$tmp/run.err" | tail; fail "not all 70 stored"; }
    stop_listen
    [ "$(ls -A "$tmp/out" | wc -l)" -eq 70 ] || fail "not 70 files"
    ;;
  find-dcmqrscp)
    make_archive
    r=$qr_root
    # PATIENT level (Patient Root), the Latin-1 name decoded
    qr_find 0 --model patient --level PATIENT --json -k PatientName -k PatientID
    expect_json_values 3 00100010 'DOE^JANE|DOE^JOHN|MÜLLER^JÜRGEN'
    # wildcard, and a key given as gggg,eeee
    qr_find 0 --model patient --level patient --json -k 'PatientName=DOE*' -k 0010,0020
    expect_json_values 2 00100020 'P1|P3'
    # a non-ASCII matching key: sent in UTF-8 (ISO_IR 192), dcmqrscp converts
    qr_find 0 --model patient --level PATIENT --json -k 'PatientName=MÜLLER*' -k PatientID
    expect_json_values 1 00100020 'P2'
    # STUDY level (the default), date range
    qr_find 0 --json -k StudyDate=20200101-20201231 -k StudyInstanceUID
    expect_json_values 2 0020000D "$r.1|$r.3"
    # the readable form, one block per match
    qr_find 0 -k 'PatientName=DOE*' -k StudyDate
    [ "$(grep -c '^# Match [0-9]*$' "$tmp/run.out")" -eq 2 ] \
      || { cat "$tmp/run.out"; fail "not two blocks"; }
    grep -q '^PatientName: DOE^JOHN$' "$tmp/run.out" && grep -q '^StudyDate: 20201120$' "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "the readable form lacks a value"; }
    grep -q "Success.*(0x0000), 2 matches" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no status line"; }
    # SERIES level
    qr_find 0 --level SERIES --json -k StudyInstanceUID=$r.1 -k SeriesInstanceUID -k Modality
    expect_json_values 2 00080060 'CT|MR'
    # IMAGE level, UID list matching
    qr_find 0 --level IMAGE --json -k StudyInstanceUID=$r.1 -k "SeriesInstanceUID=$r.1.1\\$r.1.2" \
      -k SOPInstanceUID
    expect_json_values 3 00080018 "$r.1.1.1|$r.1.1.2|$r.1.2.1"
    qr_find 0 --level IMAGE --json -k StudyInstanceUID=$r.1 -k SeriesInstanceUID=$r.1.1 \
      -k "SOPInstanceUID=$r.1.1.2\\$r.9.9.9"
    expect_json_values 1 00080018 "$r.1.1.2"
    # no match: an empty array, success
    qr_find 0 --json -k PatientName=NOBODY
    expect_json_values 0 00100010 ''
    # a failure status: PATIENT level is not part of Study Root
    qr_find 2 --level PATIENT --json -k PatientName
    grep -q "0xC000" "$tmp/run.err" || { cat "$tmp/run.err"; fail "the failure status is not named"; }
    expect_json_values 0 00100010 ''
    ;;
  find-max-results)
    # Cancel on request ends in success (exit 0) whether the final status is
    # Cancel or, when dcmqrscp had sent every match before the C-CANCEL-RQ
    # arrived, Success (PS3.7 §9.3.2.3 allows both).
    make_archive --many -v
    qr_find 0 --level IMAGE --json --max-results 1 -k StudyInstanceUID=$qr_root.1 \
      -k SeriesInstanceUID=$qr_root.1.1 -k SOPInstanceUID
    expect_json_values 1 00080018 "$qr_root.1.1.1"
    grep -q "(0x\(FE00\|0000\)), 1 matches, C-CANCEL sent" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "no C-CANCEL after one match"; }
    grep -qa "C-CANCEL-RQ\|status: Cancel" "$tmp/qr.log" \
      || { cat "$tmp/qr.log"; fail "dcmqrscp saw no C-CANCEL-RQ"; }
    cat "$tmp/run.err"
    ;;
  move-dcmqrscp)
    # dcmqrscp moves to FRIEND (our in-process Storage SCP, `dimse move`
    # without --dest) and to LISTENER (`dimse listen`), both in its HostTable.
    r=$qr_root
    mkdir -p "$tmp/moved" "$tmp/listened" "$tmp/study1" "$tmp/series11"
    start_listen --aet LISTENER --accept any --out "$tmp/listened"
    qr_listener_port=$listen_port
    qr_friend_port=$(free_port) || fail "no free port"
    make_archive
    cp "$tmp"/arch/1.dcm "$tmp"/arch/2.dcm "$tmp"/arch/3.dcm "$tmp/study1"
    cp "$tmp"/arch/1.dcm "$tmp"/arch/2.dcm "$tmp/series11"
    # a study to ourselves
    expect_exit 0 "$dimse" move --aet FRIEND --timeout 20 --port "$qr_friend_port" \
      --out "$tmp/moved" -k StudyInstanceUID=$r.1 "QRSCP@127.0.0.1:$qr_port"
    grep -q "C-MOVE to QRSCP@127.0.0.1:$qr_port: .*(0x0000), 3 completed, 0 failed, 0 warning" \
      "$tmp/run.err" || { cat "$tmp/run.err" "$tmp/qr.log"; fail "no success line"; }
    [ "$(grep -c '^Stored ' "$tmp/run.out")" -eq 3 ] || { cat "$tmp/run.out"; fail "not 3 stored"; }
    [ "$(ls "$tmp/moved" | wc -l)" -eq 3 ] || { ls -l "$tmp/moved"; fail "not 3 files moved"; }
    compare_outputs "$tmp/moved" "$tmp/study1"
    # a series to `dimse listen`
    expect_exit 0 "$dimse" move --aet FRIEND --timeout 20 --dest LISTENER --level SERIES \
      -k StudyInstanceUID=$r.1 -k SeriesInstanceUID=$r.1.1 "QRSCP@127.0.0.1:$qr_port"
    grep -q "(0x0000), 2 completed, 0 failed" "$tmp/run.err" \
      || { cat "$tmp/run.err" "$tmp/qr.log"; fail "no success line for the series"; }
    [ "$(ls "$tmp/listened"/*.dcm | wc -l)" -eq 2 ] || { ls -l "$tmp/listened"; fail "not 2 files"; }
    compare_outputs "$tmp/listened" "$tmp/series11"
    # an AE dcmqrscp does not know: A801, failure
    expect_exit 2 "$dimse" move --aet FRIEND --timeout 20 --dest NOWHERE \
      -k StudyInstanceUID=$r.1 "QRSCP@127.0.0.1:$qr_port"
    grep -q "Move Destination unknown" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "the refusal is not named"; }
    grep -q "0xA801" "$tmp/run.err" || { cat "$tmp/run.err"; fail "the status is not named"; }
    # the association refused: exit 3
    expect_exit 3 "$dimse" move --aet STRANGER --timeout 20 --dest LISTENER \
      -k StudyInstanceUID=$r.1 "QRSCP@127.0.0.1:$qr_port"
    ;;
  get-dcmqrscp)
    # C-GET: the study's instances come back as C-STORE sub-operations on
    # the same association (PS3.4 C.4.3), equal to what was archived
    make_archive
    r=$qr_root
    mkdir -p "$tmp/got" "$tmp/study1"
    cp "$tmp"/arch/1.dcm "$tmp"/arch/2.dcm "$tmp"/arch/3.dcm "$tmp/study1"
    expect_exit 0 "$dimse" get --aet FRIEND --timeout 20 -k StudyInstanceUID=$r.1 \
      --out "$tmp/got" "QRSCP@127.0.0.1:$qr_port"
    grep -q "Success.*(0x0000); 3 completed, 0 failed, 0 warning, 0 remaining; 3 files in" \
      "$tmp/run.err" || { cat "$tmp/run.err"; fail "no status line with the counts"; }
    [ "$(ls -A "$tmp/got" | wc -l)" -eq 3 ] || { ls -A "$tmp/got"; fail "not exactly three files"; }
    compare_outputs "$tmp/got" "$tmp/study1"
    # SERIES level, Patient Root: one series of the other patient
    mkdir -p "$tmp/got-series"
    expect_exit 0 "$dimse" get --aet FRIEND --model patient --level SERIES -k PatientID=P3 \
      -k StudyInstanceUID=$r.3 -k SeriesInstanceUID=$r.3.1 --out "$tmp/got-series" \
      "QRSCP@127.0.0.1:$qr_port"
    [ -f "$tmp/got-series/$r.3.1.1.dcm" ] && [ "$(ls -A "$tmp/got-series" | wc -l)" -eq 1 ] \
      || { ls -A "$tmp/got-series"; cat "$tmp/run.err"; fail "not the one instance of series 3.1"; }
    # a missing --out folder is refused before any association
    expect_exit 2 "$dimse" get --aet FRIEND -k StudyInstanceUID=$r.1 --out "$tmp/none" \
      "QRSCP@127.0.0.1:$qr_port"
    ;;
  *)
    fail "unknown check $check"
    ;;
esac
echo "PASS: $check"
