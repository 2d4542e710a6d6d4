#!/usr/bin/env bash
# The limits of `dimse listen` and `dimse serve` as acceptors, each crossed
# over 127.0.0.1 (issue #9): --max-associations (echoscu is rejected,
# transient, local limit exceeded, while a hand-made requestor holds an
# association), --max-waiting (the oldest silent connection is closed),
# --max-associate-length (echoscu proposing many contexts is aborted, a
# small echo goes on), --artim (a silent connection is closed),
# --idle-timeout (a quiet association is aborted), the values refused; and
# `dimse serve --move-tls`: a C-MOVE to a TLS-only `dimse listen` arrives
# with it and fails without it.
# Usage: limits-net.sh CHECK DIMSE RAW_PEER
# Exit 0 pass, 1 fail, 77 skip (no DCMTK, python3 or openssl).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

check=$1
dimse=$2
raw_peer=$3

for tool in echoscu dump2dcm python3 openssl; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

export TCP_NODELAY=1
# As in tls-net.sh: LeakSanitizer crashes at exit after glib-networking's
# TLS thread ran; the address and undefined-behaviour checks stay on.
case "$check" in
  move-*) export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 ;;
esac
net_init

# start_dimse NAME SUBCOMMAND …: `dimse SUBCOMMAND …` with its output in
# $tmp/NAME.out and .err.
start_dimse () {
  start_dimse_as "$@"
}

# Waits (bounded) until file holds a line matching pattern.
wait_for_line () {
  local file=$1 pattern=$2
  for _ in $(seq 1 200); do
    grep -q -- "$pattern" "$file" 2> /dev/null && return 0
    sleep 0.1
  done
  cat "$file"
  fail "no “$pattern” in $file"
}

# echoscu until it succeeds (bounded): the acceptor notices a closed
# connection on its own time.
echo_succeeds () {
  for _ in $(seq 1 100); do
    echoscu -aec "$2" 127.0.0.1 "$1" > "$tmp/echo-again.out" 2>&1 && return 0
    sleep 0.1
  done
  cat "$tmp/echo-again.out"
  fail "echoscu never succeeded again"
}

# DIR/ct.dcm: a small CT instance.
make_instance () {
  make_ct_instance "$1/ct.dcm" 1.2.826.0.1.3680043.10.1247.330.1 "LIMITS^TEST" LIM1
}

# A CA, and server and client certificates it signs, for 127.0.0.1.
make_certificates () {
  local pki=$tmp/pki name
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Dimsebench limits test CA" \
    -keyout "$pki/ca.key" -out "$pki/ca.pem" 2> /dev/null || fail "openssl: CA"
  printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=CA:FALSE' \
    'keyUsage=digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth,clientAuth' \
    > "$pki/ext.cnf"
  for name in server client; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$pki/$name.key" \
      -out "$pki/$name.csr" 2> /dev/null || fail "openssl: $name request"
    openssl x509 -req -days 2 -in "$pki/$name.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
      -CAcreateserial -extfile "$pki/ext.cnf" -out "$pki/$name.pem" 2> /dev/null \
      || fail "openssl: $name certificate"
  done
  ca=$pki/ca.pem
}

# Holds an association with port, called AE title CALLED, through
# raw-peer.py; its lines in $tmp/NAME.peer.
hold_association () {
  local name=$1 port=$2 called=$3
  timeout 120 python3 "$raw_peer" hold "$port" "$called" > "$tmp/$name.peer" 2>&1 &
  pids+=($!)
  holder=$!
  wait_for_line "$tmp/$name.peer" "associated"
}

# With one association held, echoscu is rejected (transient, local limit
# exceeded); once it is released, echoscu is served again.
cross_max_associations () {
  local name=$1 called=$2
  hold_association "$name" "$port" "$called"
  echoscu -v -aec "$called" 127.0.0.1 "$port" > "$tmp/$name-echo.out" 2>&1 \
    && { cat "$tmp/$name-echo.out"; fail "$name: a second association was accepted"; }
  grep -q "Association Rejected" "$tmp/$name-echo.out" \
    && grep -q "Local Limit Exceeded" "$tmp/$name-echo.out" \
    || { cat "$tmp/$name-echo.out"; fail "$name: not rejected for the local limit"; }
  grep -q -i "transient" "$tmp/$name-echo.out" \
    || { cat "$tmp/$name-echo.out"; fail "$name: the rejection is not transient"; }
  kill "$holder"
  wait "$holder" 2> /dev/null
  echo_succeeds "$port" "$called"
}

mkdir -p "$tmp/in" "$tmp/arch"

case "$check" in
  max-associations)
    start_dimse listen listen --port 0 --accept any --out "$tmp/in" --max-associations 1
    cross_max_associations listen ANY-SCP
    start_dimse serve serve --port 0 --bind 127.0.0.1 --max-associations 1 "$tmp/arch"
    cross_max_associations serve DIMSEBENCH
    ;;
  max-waiting)
    # ARTIM long enough that only the cap closes a connection.
    start_dimse listen listen --port 0 --accept any --out "$tmp/in" --max-waiting 2 --artim 60
    timeout 60 python3 "$raw_peer" waiting "$port" 3 > "$tmp/waiting.peer" 2>&1
    grep -q "^closed 0$" "$tmp/waiting.peer" \
      || { cat "$tmp/waiting.peer" "$tmp/listen.err"; fail "the oldest connection was not closed"; }
    grep -q "^associated 1$" "$tmp/waiting.peer" \
      || { cat "$tmp/waiting.peer"; fail "a newer connection waiting was not kept"; }
    ;;
  max-associate-length)
    start_dimse serve serve --port 0 --bind 127.0.0.1 --max-associate-length 512 "$tmp/arch"
    # 20 contexts of 3 transfer syntaxes: well over 512 bytes
    echoscu -v -ppc 20 -pts 3 -aec DIMSEBENCH 127.0.0.1 "$port" > "$tmp/big.out" 2>&1 \
      && { cat "$tmp/big.out"; fail "an A-ASSOCIATE-RQ over 512 bytes was accepted"; }
    grep -q "Peer aborted" "$tmp/big.out" \
      || { cat "$tmp/big.out"; fail "the long A-ASSOCIATE-RQ was not aborted"; }
    grep -q "over the limit of 512 bytes" "$tmp/serve.err" \
      || { cat "$tmp/serve.err"; fail "dimse serve did not say the A-ASSOCIATE-RQ was too long"; }
    expect_exit 0 echoscu -aec DIMSEBENCH 127.0.0.1 "$port"
    kill -0 "${pids[-1]}" || fail "dimse serve stopped"
    # as requestor: an A-ASSOCIATE-AC over the limit is aborted, one within
    # it is taken
    expect_exit 3 "$dimse" echo --max-associate-length 100 "DIMSEBENCH@127.0.0.1:$port"
    grep -q "over the limit of 100 bytes" "$tmp/run.err" "$tmp/run.out" \
      || { cat "$tmp/run.out" "$tmp/run.err"; fail "dimse echo did not say the -AC was too long"; }
    expect_exit 0 "$dimse" echo --max-associate-length 4096 "DIMSEBENCH@127.0.0.1:$port"
    ;;
  artim)
    start_dimse listen listen --port 0 --accept any --out "$tmp/in" --artim 2
    timeout 60 python3 "$raw_peer" silent "$port" > "$tmp/silent.peer" 2>&1 \
      || { cat "$tmp/silent.peer"; fail "the silent connection was not closed"; }
    grep -q "^closed$" "$tmp/silent.peer" || { cat "$tmp/silent.peer"; fail "no close seen"; }
    grep -q -i "ARTIM\|A-ASSOCIATE-RQ" "$tmp/listen.err" \
      || { cat "$tmp/listen.err"; fail "dimse listen did not say why it closed the connection"; }
    expect_exit 0 echoscu 127.0.0.1 "$port"
    ;;
  idle-timeout)
    start_dimse serve serve --port 0 --bind 127.0.0.1 --idle-timeout 2 "$tmp/arch"
    timeout 60 python3 "$raw_peer" hold "$port" DIMSEBENCH > "$tmp/idle.peer" 2>&1 \
      || { cat "$tmp/idle.peer"; fail "the quiet association was not ended"; }
    grep -q "^associated$" "$tmp/idle.peer" && grep -q "^A-ABORT$" "$tmp/idle.peer" \
      && grep -q "^closed$" "$tmp/idle.peer" \
      || { cat "$tmp/idle.peer"; fail "the quiet association was not aborted"; }
    ;;
  invalid)
    for args in "--artim 0" "--idle-timeout 0" "--max-associations 0" "--max-waiting 0" \
                "--max-associate-length 0" "--max-waiting -3"; do
      # shellcheck disable=SC2086 # args are two words
      expect_exit 2 "$dimse" listen --port 0 --out "$tmp/in" $args
      option=${args%% *}
      grep -q -- "$option must be from 1" "$tmp/run.err" \
        || { cat "$tmp/run.err"; fail "listen $args: no word of $option"; }
      # shellcheck disable=SC2086
      expect_exit 2 "$dimse" serve --port 0 --bind 127.0.0.1 "$tmp/arch" $args
      grep -q -- "$option must be from 1" "$tmp/run.err" \
        || { cat "$tmp/run.err"; fail "serve $args: no word of $option"; }
    done
    expect_exit 2 "$dimse" listen --port 0 --out "$tmp/in" --artim soon
    grep -q -- "--artim" "$tmp/run.err" || { cat "$tmp/run.err"; fail "--artim soon: no word"; }
    expect_exit 2 "$dimse" serve --port 0 --bind 127.0.0.1 --move-tls "$tmp/arch"
    grep -q -- "--tls-cert" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "--move-tls without a certificate: no word of --tls-cert"; }
    ;;
  move-tls|move-plain-to-tls)
    make_certificates
    make_instance "$tmp/arch"
    start_dimse listen listen --port 0 --aet DEST --accept any --out "$tmp/in" \
      --tls-cert "$tmp/pki/server.pem" --tls-key "$tmp/pki/server.key"
    dest_port=$port
    move_tls=()
    [ "$check" = move-tls ] && move_tls=(--move-tls)
    start_dimse serve serve --port 0 --bind 127.0.0.1 --aet ARCHIVE --accept any \
      --tls-cert "$tmp/pki/client.pem" --tls-key "$tmp/pki/client.key" --tls-ca "$ca" \
      "${move_tls[@]}" --node "DEST=127.0.0.1:$dest_port" "$tmp/arch"
    uid=1.2.826.0.1.3680043.10.1247.330.1
    rc=0
    run "$dimse" move --tls-cert "$tmp/pki/client.pem" --tls-key "$tmp/pki/client.key" \
      --tls-ca "$ca" --dest DEST -k "StudyInstanceUID=$uid" "ARCHIVE@127.0.0.1:$port" || rc=$?
    if [ "$check" = move-tls ]; then
      [ "$rc" -eq 0 ] || { cat "$tmp/run.out" "$tmp/run.err" "$tmp/serve.err"; fail "the C-MOVE over TLS failed ($rc)"; }
      [ -f "$tmp/in/$uid.1.1.dcm" ] || { ls "$tmp/in"; fail "the instance did not arrive"; }
      grep -q "from ARCHIVE" "$tmp/listen.out" || { cat "$tmp/listen.out"; fail "no store seen"; }
    else
      [ "$rc" -ne 0 ] || { cat "$tmp/run.out" "$tmp/run.err"; fail "a plain C-MOVE to a TLS-only listener succeeded"; }
      grep -q -i "A702\|fail" "$tmp/run.out" "$tmp/run.err" \
        || { cat "$tmp/run.out" "$tmp/run.err"; fail "the C-MOVE did not report the sub-operation failed"; }
      [ ! -f "$tmp/in/$uid.1.1.dcm" ] || fail "the instance arrived without TLS"
    fi
    ;;
  *)
    fail "unknown check $check"
    ;;
esac
echo "PASS: $check"
