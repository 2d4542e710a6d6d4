#!/usr/bin/env bash
# Network interop of `dimse echo` and `dimse listen` with DCMTK's echoscu,
# storescu, storescp and dcmqrscp over 127.0.0.1.
# Usage: dimse-net.sh CHECK DIMSE CORPUS_DIR STORE_SCU
# Exit 0 pass, 1 fail, 77 skip (DCMTK missing).
set -u

check=$1
dimse=$2
corpus=$3
store_scu=${4:-}

for tool in echoscu storescu storescp dcmqrscp dcmdump dump2dcm dcmconv; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool (DCMTK) is not installed"; exit 77; }
done

export TCP_NODELAY=1
tmp=$(mktemp -d)
pids=()

cleanup () {
  for pid in "${pids[@]}"; do
    kill "$pid" 2> /dev/null
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2> /dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail () {
  echo "FAIL: $*"
  exit 1
}

# A port nobody listens on right now.
free_port () {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# Waits until pid listens on port; fails at once when pid has exited
# (another test may have taken the port first).
wait_for_port () {
  local port=$1 pid=$2
  for _ in $(seq 1 100); do
    (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && return 0
    kill -0 "$pid" 2> /dev/null || return 1
    sleep 0.1
  done
  fail "nothing listens on port $port after 10 s"
}

# Starts `dimse listen` with the given options; sets listen_port and
# listen_pid, the output in $tmp/listen.out and .err.
start_listen () {
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
friend = (FRIEND, localhost, 104)
friends = friend
HostTable END
VendorTable BEGIN
VendorTable END
AETable BEGIN
QRSCP  $tmp/qr/db  RW  (20, 64mb)  friends
AETable END
CFG
    dcmqrscp -c "$tmp/qr/dcmqrscp.cfg" > "$tmp/qr.log" 2>&1 &
    pids+=($!)
    wait_for_port "$qr_port" $! && return 0
  done
  cat "$tmp/qr.log"
  fail "dcmqrscp did not start"
}

# Runs a command bounded in time, its output in $tmp/run.out and .err.
run () {
  local rc=0
  timeout 60 "$@" > "$tmp/run.out" 2> "$tmp/run.err" || rc=$?
  return $rc
}

expect_exit () {
  local want=$1 rc=0
  shift
  run "$@" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    cat "$tmp/run.out" "$tmp/run.err"
    fail "$* exited with $rc, expected $want"
  fi
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

case "$check" in
  echo-storescp)
    start_storescp
    expect_exit 0 "$dimse" echo --timeout 20 "STORESCP@127.0.0.1:$storescp_port"
    grep -q "C-ECHO to STORESCP@127.0.0.1:$storescp_port: Success (0x0000) in [0-9]* ms" \
      "$tmp/run.out" || { cat "$tmp/run.out"; fail "no success line"; }
    grep -q "Peer implementation: 1.2.276.0.7230010" "$tmp/run.out" \
      || fail "the peer's implementation class UID is not printed"
    # -v: the PDUs as they go
    expect_exit 0 "$dimse" echo -v "STORESCP@127.0.0.1:$storescp_port"
    for pdu in A-ASSOCIATE-RQ P-DATA-TF A-RELEASE-RQ A-RELEASE-RP; do
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
    grep -qi "connect" "$tmp/run.err" && grep -q "127.0.0.1:$port" "$tmp/run.err" \
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
  *)
    fail "unknown check $check"
    ;;
esac
echo "PASS: $check"
