#!/usr/bin/env bash
# The support engineer's tools against real peers over 127.0.0.1:
#   probe-dcmqrscp       `dimse probe`: the table follows dcmqrscp's configuration
#   move-doctor-dcmqrscp `dimse move-doctor`: destination unknown (A801), a
#                        destination on a closed port, the right one
#   probe-tls            `dimse probe` over TLS (PS3.15 Annex B.1) of storescp
#                        +tls; without TLS it fails and says TLS
#   move-doctor-tls      `dimse move-doctor` over TLS to `dimse serve` with TLS,
#                        whose C-MOVE calls back over plain TCP: success with
#                        --no-return-tls, the failed TLS handshake told without
#   pcap-capture         `dimse pcap` of a dumpcap capture (as root) of `dimse
#                        echo` and `dimse store` to `dimse serve`: the same
#                        PDUs as -v printed live
# Usage: tools-net.sh CHECK DIMSE
# Exit 0 pass, 1 fail, 77 skip (DCMTK, DCMTK with TLS, openssl, Wireshark's
# dumpcap or root missing).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

check=$1
dimse=$2

for tool in dcmqrscp storescu dump2dcm python3; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

export TCP_NODELAY=1
net_init

# Runs a command bounded in time; its output in $tmp/run.out and .err,
# its exit status in $rc.
run () {
  rc=0
  timeout 120 "$@" > "$tmp/run.out" 2> "$tmp/run.err" || rc=$?
}

expect_exit () {
  local want=$1
  shift
  run "$@"
  [ "$rc" -eq "$want" ] || { cat "$tmp/run.out" "$tmp/run.err"; fail "$1 exited with $rc, not $want"; }
}

# dcmqrscp with FRIEND and CLOSED in its HostTable; extra arguments go to it.
start_dcmqrscp () {
  mkdir -p "$tmp/qr/db"
  for _ in 1 2 3 4 5; do
    qr_port=$(free_port) || fail "no free port"
    cat > "$tmp/qr/dcmqrscp.cfg" <<CFG
NetworkTCPPort  = $qr_port
MaxPDUSize      = 16384
MaxAssociations = 4
HostTable BEGIN
friend = (FRIEND, localhost, ${friend_port:-104})
closed = (CLOSED, localhost, ${closed_port:-105})
friends = friend, closed
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

# $tmp/one.dcm: a small Secondary Capture instance.
make_instance () {
  cat > "$tmp/one.dump" <<DUMP
(0008,0016) UI =SecondaryCaptureImageStorage
(0008,0018) UI [1.2.826.0.1.3680043.10.1247.350.1.1.1]
(0008,0020) DA [20200315]
(0008,0060) CS [OT]
(0010,0010) PN [DOE^JOHN]
(0010,0020) LO [P1]
(0020,000d) UI [1.2.826.0.1.3680043.10.1247.350.1]
(0020,000e) UI [1.2.826.0.1.3680043.10.1247.350.1.1]
DUMP
  dump2dcm +te "$tmp/one.dump" "$tmp/one.dcm" || fail "dump2dcm"
}

# The answer of the CSV in $1 for SOP class $2 and transfer syntax $3 (UIDs):
# "yes|result".
answer () {
  python3 - "$1" "$2" "$3" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], newline="")):
    if row["sop_class_uid"] == sys.argv[2] and row["transfer_syntax_uid"] == sys.argv[3]:
        print(row["accepted"] + "|" + row["result"])
PY
}

# The TLS checks need openssl and a DCMTK built with TLS.
require_tls () {
  command -v openssl > /dev/null || { echo "SKIP: openssl is not installed"; exit 77; }
  command -v storescp > /dev/null || { echo "SKIP: storescp is not installed"; exit 77; }
  storescp --help 2>&1 | grep -q -- '--enable-tls' \
    || { echo "SKIP: this DCMTK is built without TLS"; exit 77; }
  # LeakSanitizer crashes at exit once glib-networking's TLS has run (see
  # test_util_require_tls); the other sanitizer checks stay on.
  export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
}

# A test CA in $tmp/pki and two certificates it signs, for 127.0.0.1:
# server.pem/.key for the acceptors, client.pem/.key for the requestors.
make_pki () {
  local pki=$tmp/pki role
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=tools-net CA" \
    -keyout "$pki/ca.key" -out "$pki/ca.pem" 2> /dev/null || fail "openssl: the CA"
  cat > "$pki/leaf.cnf" <<CNF
subjectAltName = IP:127.0.0.1, DNS:localhost
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth, clientAuth
CNF
  for role in server client; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=tools-net $role" -keyout "$pki/$role.key" \
      -out "$pki/$role.csr" 2> /dev/null || fail "openssl: the $role request"
    openssl x509 -req -days 1 -in "$pki/$role.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
      -CAcreateserial -extfile "$pki/leaf.cnf" -out "$pki/$role.pem" 2> /dev/null \
      || fail "openssl: the $role certificate"
  done
  tls_options=(--tls-cert "$pki/client.pem" --tls-key "$pki/client.key" --tls-ca "$pki/ca.pem")
}

# storescp over TLS only; it asks for our certificate and checks it.
start_storescp_tls () {
  mkdir -p "$tmp/scp"
  for _ in 1 2 3 4 5; do
    scp_port=$(free_port) || fail "no free port"
    storescp +tls "$tmp/pki/server.key" "$tmp/pki/server.pem" +cf "$tmp/pki/ca.pem" \
      -od "$tmp/scp" "$scp_port" > "$tmp/scp.log" 2>&1 &
    pids+=($!)
    wait_for_port "$scp_port" $! && return 0
  done
  cat "$tmp/scp.log"
  fail "storescp +tls did not start"
}

# `dimse serve` with the given arguments on a port of its choosing: $serve_port.
start_serve () {
  "$dimse" serve --bind 127.0.0.1 --port 0 "$@" > "$tmp/serve.out" 2> "$tmp/serve.err" &
  pids+=($!)
  for _ in $(seq 1 100); do
    serve_port=$(sed -n 's/^Listening as .* on .*:\([0-9]*\), .*/\1/p' "$tmp/serve.out")
    [ -n "$serve_port" ] && return 0
    kill -0 "${pids[-1]}" 2> /dev/null || break
    sleep 0.1
  done
  cat "$tmp/serve.err"
  fail "dimse serve did not start"
}

VERIFICATION=1.2.840.10008.1.1
STUDY_FIND=1.2.840.10008.5.1.4.1.2.2.1
STUDY_MOVE=1.2.840.10008.5.1.4.1.2.2.2
STUDY_GET=1.2.840.10008.5.1.4.1.2.2.3
WORKLIST=1.2.840.10008.5.1.4.31
CT=1.2.840.10008.5.1.4.1.1.2
ILE=1.2.840.10008.1.2
ELE=1.2.840.10008.1.2.1
JPEG=1.2.840.10008.1.2.4.50

expect_answer () {
  local csv=$1 sop=$2 ts=$3 want=$4 got
  got=$(answer "$csv" "$sop" "$ts")
  [ "$got" = "$want" ] || fail "$sop in $ts: \"$got\", not \"$want\""
}

case "$check" in
  probe-dcmqrscp)
    # +xi: dcmqrscp accepts Implicit VR Little Endian only
    start_dcmqrscp +xi
    expect_exit 0 "$dimse" probe --aet FRIEND --csv "QRSCP@127.0.0.1:$qr_port"
    cp "$tmp/run.out" "$tmp/implicit.csv"
    csv=$tmp/implicit.csv
    expect_answer "$csv" $VERIFICATION $ILE "yes|accepted"
    expect_answer "$csv" $VERIFICATION $ELE "no|rejected: Transfer Syntaxes Not Supported (Provider Rejection)"
    for sop in $STUDY_FIND $STUDY_MOVE $STUDY_GET $CT; do
      expect_answer "$csv" $sop $ILE "yes|accepted"
    done
    case "$(answer "$csv" $CT $JPEG)" in
      no\|rejected*) ;;
      *) fail "CT Image Storage accepted in JPEG Baseline" ;;
    esac
    expect_answer "$csv" $WORKLIST $ILE "no|rejected: Abstract Syntax Not Supported (Provider Rejection)"
    # nothing accepted but in Implicit VR LE, nothing left unasked
    python3 - "$csv" <<'PY' || fail "an answer breaks the configuration"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) > 1000, len(rows)
assert all(r["result"] != "not asked" for r in rows)
accepted = [r for r in rows if r["accepted"] == "yes"]
assert accepted and all(r["transfer_syntax_uid"] == "1.2.840.10008.1.2" for r in accepted)
assert len({r["association"] for r in rows}) > 1
PY
    # the same peer with its default syntaxes: Explicit VR LE accepted too
    kill "${pids[-1]}"
    wait "${pids[-1]}" 2> /dev/null
    start_dcmqrscp
    expect_exit 0 "$dimse" probe --aet FRIEND --sop-classes verification,qr --json \
      "QRSCP@127.0.0.1:$qr_port"
    python3 - "$tmp/run.out" <<'PY' || fail "the JSON export"
import json, sys
doc = json.load(open(sys.argv[1]))
ok = {(e["sop_class_uid"], e["transfer_syntax_uid"]) for e in doc["entries"] if e["accepted"]}
assert ("1.2.840.10008.1.1", "1.2.840.10008.1.2.1") in ok
assert ("1.2.840.10008.5.1.4.1.2.2.1", "1.2.840.10008.1.2.1") in ok
assert doc["implementation_class_uid"].startswith("1.2.276.0.7230010.3")
assert doc["user_identity"]["outcome"] == "accepted without response"
PY
    # an unknown calling AE: the association refused, exit 3
    expect_exit 3 "$dimse" probe --aet STRANGER --sop-classes verification \
      "QRSCP@127.0.0.1:$qr_port"
    ;;
  move-doctor-dcmqrscp)
    friend_port=$(free_port) || fail "no free port"
    closed_port=$(free_port) || fail "no free port"
    start_dcmqrscp
    make_instance
    expect_exit 0 storescu -aet FRIEND -aec QRSCP 127.0.0.1 "$qr_port" "$tmp/one.dcm"
    # (a) a destination dcmqrscp does not know
    expect_exit 2 "$dimse" move-doctor --aet FRIEND --dest NOWHERE --port "$friend_port" \
      --timeout 10 "QRSCP@127.0.0.1:$qr_port"
    grep -q "^Diagnosis: destination-unknown" "$tmp/run.out" || { cat "$tmp/run.out"; fail "(a)"; }
    grep -q "0xA801" "$tmp/run.out" || { cat "$tmp/run.out"; fail "(a) names no status"; }
    # (b) CLOSED is on a port where nothing listens; we listen elsewhere
    expect_exit 2 "$dimse" move-doctor --aet FRIEND --dest CLOSED --port "$friend_port" \
      --timeout 10 "QRSCP@127.0.0.1:$qr_port"
    grep -q "^Diagnosis: no-association-back" "$tmp/run.out" || { cat "$tmp/run.out"; fail "(b)"; }
    # (c) FRIEND is our port: the instance arrives
    expect_exit 0 "$dimse" move-doctor --aet FRIEND --dest FRIEND --port "$friend_port" \
      --timeout 10 "QRSCP@127.0.0.1:$qr_port"
    grep -q "^Diagnosis: success" "$tmp/run.out" || { cat "$tmp/run.out" "$tmp/qr.log"; fail "(c)"; }
    grep -q "A-ASSOCIATE-RQ QRSCP → FRIEND" "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "(c) shows no A-ASSOCIATE-RQ of the return leg"; }
    ;;
  probe-tls)
    require_tls
    make_pki
    start_storescp_tls
    expect_exit 0 "$dimse" probe --timeout 20 --csv "${tls_options[@]}" \
      "STORESCP@127.0.0.1:$scp_port"
    cp "$tmp/run.out" "$tmp/tls.csv"
    expect_answer "$tmp/tls.csv" $VERIFICATION $ILE "yes|accepted"
    expect_answer "$tmp/tls.csv" $CT $ILE "yes|accepted"
    expect_answer "$tmp/tls.csv" $CT $ELE "yes|accepted"
    # in plain TCP storescp sees no TLS handshake: no association, and a word of TLS
    expect_exit 3 "$dimse" probe --timeout 20 --sop-classes verification \
      "STORESCP@127.0.0.1:$scp_port"
    grep -q "TLS" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no word of TLS"; }
    ;;
  move-doctor-tls)
    require_tls
    make_pki
    make_instance
    friend_port=$(free_port) || fail "no free port"
    mkdir -p "$tmp/archive"
    cp "$tmp/one.dcm" "$tmp/archive/"
    start_serve --aet ARCH --node "FRIEND=127.0.0.1:$friend_port" --accept any \
      --tls-cert "$tmp/pki/server.pem" --tls-key "$tmp/pki/server.key" --tls-ca "$tmp/pki/ca.pem" "$tmp/archive"
    # (a) C-FIND and C-MOVE over TLS; serve calls FRIEND back over plain TCP
    expect_exit 0 "$dimse" move-doctor --aet FRIEND --dest FRIEND --port "$friend_port" \
      --timeout 10 --no-return-tls "${tls_options[@]}" "ARCH@127.0.0.1:$serve_port"
    grep -q "^Diagnosis: success" "$tmp/run.out" || { cat "$tmp/run.out"; fail "(a)"; }
    # (b) our Storage SCP speaks TLS: serve's plain A-ASSOCIATE-RQ fails its handshake
    expect_exit 2 "$dimse" move-doctor --aet FRIEND --dest FRIEND --port "$friend_port" \
      --timeout 10 "${tls_options[@]}" "ARCH@127.0.0.1:$serve_port"
    grep -q "^Diagnosis: no-association-back" "$tmp/run.out" || { cat "$tmp/run.out"; fail "(b)"; }
    grep -q "TLS handshake failed" "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "(b) says nothing of the TLS handshake"; }
    # (c) no TLS to a TLS-only peer: no association with it
    expect_exit 3 "$dimse" move-doctor --aet FRIEND --dest FRIEND --port "$friend_port" \
      --timeout 10 "ARCH@127.0.0.1:$serve_port"
    grep -q "^Diagnosis: peer-unavailable" "$tmp/run.out" || { cat "$tmp/run.out"; fail "(c)"; }
    # (d) a TLS listener needs our certificate
    expect_exit 2 "$dimse" move-doctor --aet FRIEND --dest FRIEND --port "$friend_port" \
      --tls-ca "$tmp/pki/ca.pem" "ARCH@127.0.0.1:$serve_port"
    grep -q -- "--no-return-tls" "$tmp/run.err" || { cat "$tmp/run.err"; fail "(d)"; }
    ;;
  pcap-capture)
    command -v dumpcap > /dev/null || { echo "SKIP: dumpcap is not installed"; exit 77; }
    [ "$(id -u)" -eq 0 ] || { echo "SKIP: capturing on lo needs root"; exit 77; }
    make_instance
    mkdir -p "$tmp/served"
    for _ in 1 2 3 4 5; do
      port=$(free_port) || fail "no free port"
      "$dimse" serve --bind 127.0.0.1 --port "$port" --aet ARCH "$tmp/served" \
        > "$tmp/serve.log" 2>&1 &
      pids+=($!)
      wait_for_port "$port" $! && break
    done
    dumpcap -q -i lo -f "tcp port $port" -w "$tmp/cap.pcapng" > "$tmp/dumpcap.log" 2>&1 &
    dumpcap_pid=$!
    pids+=($dumpcap_pid)
    for _ in $(seq 1 50); do
      grep -q "Capturing on" "$tmp/dumpcap.log" && break
      kill -0 $dumpcap_pid 2> /dev/null || { echo "SKIP: dumpcap cannot capture here"; exit 77; }
      sleep 0.1
    done
    sleep 0.5
    expect_exit 0 "$dimse" echo -v "ARCH@127.0.0.1:$port"
    cp "$tmp/run.err" "$tmp/live.err"
    expect_exit 0 "$dimse" store -v "ARCH@127.0.0.1:$port" "$tmp/one.dcm"
    cat "$tmp/run.err" >> "$tmp/live.err"
    sleep 1
    kill -INT $dumpcap_pid
    wait $dumpcap_pid 2> /dev/null
    expect_exit 0 "$dimse" pcap --port "$port" "$tmp/cap.pcapng"
    grep -q "^2 associations, .* 0 bytes missing" "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "not the two associations, whole"; }
    # the PDU lines, without the association numbers
    pdu_lines () { sed -n 's/^\[[0-9]*\] \([→←] .*\)/\1/p' "$1"; }
    pdu_lines "$tmp/live.err" > "$tmp/live.pdus"
    pdu_lines "$tmp/run.err" > "$tmp/imported.pdus"
    [ -s "$tmp/live.pdus" ] || fail "no PDU printed live"
    diff -u "$tmp/live.pdus" "$tmp/imported.pdus" || fail "the capture differs from the live traffic"
    grep -q "C-STORE\|P-DATA-TF context .*, data set" "$tmp/imported.pdus" \
      || fail "no data set in the capture"
    ;;
  *)
    fail "unknown check $check"
    ;;
esac
exit 0
