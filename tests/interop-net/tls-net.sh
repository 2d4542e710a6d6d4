#!/usr/bin/env bash
# DICOM over TLS (PS3.15 Annex B.1) between `dimse` and DCMTK's TLS-enabled
# tools over 127.0.0.1, both directions, with a CA and server and client
# certificates made here by openssl; PEER as the name of a node of the
# application's node list ($XDG_CONFIG_HOME/dimsebench/nodes.json); and the
# C-FIND extended negotiation (PS3.4 §C.5.1) of `dimse find` over TLS.
# Usage: tls-net.sh CHECK DIMSE CORPUS_DIR
# Exit 0 pass, 1 fail, 77 skip (DCMTK without TLS, or no openssl).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

check=$1
dimse=$2
corpus=$3

for tool in echoscu storescu storescp dcmqrscp dump2dcm dcmdump openssl; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
storescu --help 2>&1 | grep -q -- '--enable-tls' \
  || { echo "SKIP: this DCMTK is built without TLS"; exit 77; }

export TCP_NODELAY=1
# LeakSanitizer crashes at exit in a process that has run glib-networking's
# TLS thread (the unit tests skip TLS under AddressSanitizer for it); the
# address and undefined-behaviour checks stay on.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
net_init

# A CA (and a second, unrelated one), and server and client certificates
# the first signs, for 127.0.0.1 and localhost.
make_certificates () {
  local pki=$tmp/pki name
  mkdir -p "$pki"
  for name in ca other-ca; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Dimsebench test $name" \
      -keyout "$pki/$name.key" -out "$pki/$name.pem" 2> /dev/null || fail "openssl: $name"
  done
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
  other_ca=$pki/other-ca.pem
  server_cert=$pki/server.pem
  server_key=$pki/server.key
  client_cert=$pki/client.pem
  client_key=$pki/client.key
}

# storescp over TLS: it requires and verifies our client certificate.
start_storescp () {
  mkdir -p "$tmp/storescp"
  for _ in 1 2 3 4 5; do
    storescp_port=$(free_port) || fail "no free port"
    storescp +tls "$server_key" "$server_cert" +cf "$ca" -od "$tmp/storescp" \
      "$storescp_port" > "$tmp/storescp.log" 2>&1 &
    pids+=($!)
    wait_for_port "$storescp_port" $! && return 0
  done
  cat "$tmp/storescp.log"
  fail "storescp did not start"
}

# `dimse listen` or `dimse serve` with the given arguments; sets port.
start_dimse () {
  rm -f "$tmp/server.out"   # not an earlier server's "Listening" line
  "$dimse" "$@" > "$tmp/server.out" 2> "$tmp/server.err" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 100); do
    port=$(sed -n 's/^Listening .*\(port \|:\)\([0-9]*\)[, ].*/\2/p' "$tmp/server.out")
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2> /dev/null || break
    sleep 0.1
  done
  cat "$tmp/server.err"
  fail "dimse $1 did not start"
}

tls_options=(--tls-cert "$tmp/pki/client.pem" --tls-key "$tmp/pki/client.key"
             --tls-ca "$tmp/pki/ca.pem")

make_certificates
case "$check" in
  echo-storescp)
    start_storescp
    expect_exit 0 "$dimse" echo --timeout 20 "${tls_options[@]}" \
      "STORESCP@127.0.0.1:$storescp_port"
    grep -q "Success (0x0000)" "$tmp/run.out" || fail "no success line"
    # who answered: the subject of the certificate made above, checked
    # against --tls-ca, and the TLS version
    grep -q "^Peer certificate: CN *= *server (verified against the configured CA)$" \
      "$tmp/run.out" || { cat "$tmp/run.out"; fail "the peer certificate is not told"; }
    grep -q "^TLS: TLS 1\.[23], " "$tmp/run.out" || { cat "$tmp/run.out"; fail "no TLS version"; }
    expect_exit 0 "$dimse" echo -v --timeout 20 "${tls_options[@]}" \
      "STORESCP@127.0.0.1:$storescp_port"
    grep -q "peer certificate subject: CN *= *server$" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "-v did not tell the peer certificate"; }
    grep -q "peer certificate issuer: CN *= *Dimsebench test ca$" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "-v did not tell the certificate's issuer"; }
    # without TLS, storescp sees no TLS handshake: no association
    expect_exit 3 "$dimse" echo --timeout 20 "STORESCP@127.0.0.1:$storescp_port"
    # the server's certificate is checked against --tls-ca
    expect_exit 3 "$dimse" echo --timeout 20 --tls-cert "$client_cert" --tls-key "$client_key" \
      --tls-ca "$other_ca" "STORESCP@127.0.0.1:$storescp_port"
    grep -qi "certificate" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no word of the certificate"; }
    # storescp requires a client certificate
    expect_exit 3 "$dimse" echo --timeout 20 --tls-ca "$ca" "STORESCP@127.0.0.1:$storescp_port"
    ;;
  store-storescp)
    mkdir -p "$tmp/in"
    dump2dcm +te "$corpus/sequences.dump" "$tmp/in/sequences.dcm" || fail "dump2dcm"
    start_storescp
    expect_exit 0 "$dimse" store --timeout 20 "${tls_options[@]}" \
      "STORESCP@127.0.0.1:$storescp_port" "$tmp/in/sequences.dcm"
    grep -q "Success (0x0000)" "$tmp/run.out" || { cat "$tmp/run.out"; fail "not stored"; }
    uid=$(dcmdump -q -s +P 0008,0018 "$tmp/in/sequences.dcm" | sed -n 's/.*\[\(.*\)\].*/\1/p')
    [ "$(ls "$tmp/storescp" | wc -l)" -eq 1 ] || fail "storescp holds no single file"
    stored=$(ls "$tmp"/storescp/*)
    [ "$(dcmdump -q -s +P 0008,0018 "$stored" | sed -n 's/.*\[\(.*\)\].*/\1/p')" = "$uid" ] \
      || fail "storescp stored another instance"
    ;;
  dcmtk-listen)
    mkdir -p "$tmp/out" "$tmp/in"
    dump2dcm +te "$corpus/sequences.dump" "$tmp/in/sequences.dcm" || fail "dump2dcm"
    start_dimse listen --port 0 --out "$tmp/out" --accept any --tls-cert "$server_cert" \
      --tls-key "$server_key" --tls-ca "$ca"
    expect_exit 0 echoscu +tls "$client_key" "$client_cert" +cf "$ca" -aec ANY 127.0.0.1 "$port"
    expect_exit 0 storescu +tls "$client_key" "$client_cert" +cf "$ca" -aec ANY 127.0.0.1 "$port" \
      "$tmp/in/sequences.dcm"
    [ "$(ls "$tmp/out" | wc -l)" -eq 1 ] || fail "dimse listen holds no single file"
    cmp <(dcmdump -q "$tmp/in/sequences.dcm" | grep -v '^(0002,') \
        <(dcmdump -q "$tmp"/out/* | grep -v '^(0002,') || fail "the stored data set differs"
    # without a client certificate: refused (--tls-ca asks for one)
    expect_exit 1 echoscu +tla +cf "$ca" -aec ANY 127.0.0.1 "$port"
    # our own requestor, and one without TLS
    expect_exit 0 "$dimse" echo "${tls_options[@]}" "ANY@127.0.0.1:$port"
    expect_exit 3 "$dimse" echo --timeout 10 "ANY@127.0.0.1:$port"
    # PS3.15 Annex B.1 (BCP 195): TLS 1.2 at least
    timeout 20 openssl s_client -connect "127.0.0.1:$port" -tls1_1 -cert "$client_cert" \
      -key "$client_key" -CAfile "$ca" < /dev/null > "$tmp/s11.log" 2>&1
    grep -q "Cipher is (NONE)" "$tmp/s11.log" || { cat "$tmp/s11.log"; fail "TLS 1.1 was accepted"; }
    timeout 20 openssl s_client -connect "127.0.0.1:$port" -tls1_2 -cert "$client_cert" \
      -key "$client_key" -CAfile "$ca" < /dev/null > "$tmp/s12.log" 2>&1
    grep -q "Protocol *: TLSv1.2" "$tmp/s12.log" || { cat "$tmp/s12.log"; fail "TLS 1.2 was refused"; }
    kill -TERM "$server_pid"
    wait "$server_pid" || fail "dimse listen did not end cleanly"
    grep -q "did not send a certificate" "$tmp/server.err" \
      || { cat "$tmp/server.err"; fail "the refused handshake is not told"; }
    ;;
  serve)
    mkdir -p "$tmp/archive"
    start_dimse serve --port 0 --accept any --tls-cert "$server_cert" --tls-key "$server_key" \
      "$tmp/archive"
    expect_exit 0 echoscu +tls "$client_key" "$client_cert" +cf "$ca" -aec DIMSEBENCH 127.0.0.1 "$port"
    # no --tls-ca on the acceptor: any client, certificate or not
    expect_exit 0 echoscu +tla +cf "$ca" -aec DIMSEBENCH 127.0.0.1 "$port"
    expect_exit 0 "$dimse" find --tls-ca "$ca" -k PatientName "DIMSEBENCH@127.0.0.1:$port"
    grep -q "(0x0000), 0 matches" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no C-FIND"; }
    # an acceptor needs its own certificate
    expect_exit 2 "$dimse" listen --port 0 --out "$tmp/archive" --tls-ca "$ca"
    grep -q -- "--tls-cert" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no word of --tls-cert"; }
    expect_exit 2 "$dimse" echo --tls-cert "$client_cert" "ANY@127.0.0.1:$port"
    grep -q -- "--tls-key" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no word of --tls-key"; }
    ;;
  node-list)
    start_storescp
    export XDG_CONFIG_HOME=$tmp/config
    mkdir -p "$XDG_CONFIG_HOME/dimsebench"
    cat > "$XDG_CONFIG_HOME/dimsebench/nodes.json" <<JSON
{
  "version": 1,
  "nodes": [
    { "id": "a", "name": "Plain PACS", "ae-title": "PLAIN", "host": "127.0.0.1", "port": 9,
      "tls": false, "tls-cert": "", "tls-key": "", "tls-ca": "", "timeout": 5, "max-pdu": 16384 },
    { "id": "b", "name": "Secure PACS", "ae-title": "STORESCP", "host": "127.0.0.1",
      "port": $storescp_port, "tls": true, "tls-cert": "$client_cert", "tls-key": "$client_key",
      "tls-ca": "$ca", "timeout": 20, "max-pdu": 32768 }
  ]
}
JSON
    # the name, without regard to case: AE title, host, port and TLS files from the node
    expect_exit 0 "$dimse" echo -v "secure pacs"
    grep -q "C-ECHO to STORESCP@127.0.0.1:$storescp_port: Success" "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "not echoed to the node"; }
    grep -q "STORESCP" "$tmp/run.err" || fail "-v did not print the called AE title"
    grep -q "32768" "$tmp/run.err" || { cat "$tmp/run.err"; fail "the node's max PDU was not proposed"; }
    # an unknown name: the file and the names it holds
    expect_exit 2 "$dimse" echo "Nowhere"
    grep -q "$XDG_CONFIG_HOME/dimsebench/nodes.json" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "the node list is not named"; }
    grep -q "“Plain PACS”, “Secure PACS”" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "the known names are not listed"; }
    # an address is still an address
    expect_exit 0 "$dimse" echo "${tls_options[@]}" "STORESCP@127.0.0.1:$storescp_port"
    # without a node list
    rm "$XDG_CONFIG_HOME/dimsebench/nodes.json"
    expect_exit 2 "$dimse" echo "Secure PACS"
    grep -q "nodes.json" "$tmp/run.err" || { cat "$tmp/run.err"; fail "the missing list is not named"; }
    ;;
  find-extended)
    # PS3.4 §C.5.1 over TLS: the archive agrees to relational queries, not
    # to timezone query adjustment; dcmqrscp to neither
    start_dimse serve --port 0 --demo --tls-cert "$server_cert" --tls-key "$server_key"
    expect_exit 2 "$dimse" find "${tls_options[@]}" -l SERIES -k Modality=CT \
      -k SeriesInstanceUID "DIMSEBENCH@127.0.0.1:$port"
    grep -q "0xA900" "$tmp/run.err" || { cat "$tmp/run.err"; fail "hierarchical search not enforced"; }
    expect_exit 0 "$dimse" find -v --relational --timezone "${tls_options[@]}" -l SERIES \
      -k Modality=CT -k SeriesInstanceUID "DIMSEBENCH@127.0.0.1:$port"
    grep -q "Extended negotiation agreed by .*: relational queries$" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "-v did not tell what was agreed"; }
    grep -q "warning: .* did not agree to timezone query adjustment" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "no warning for timezone query adjustment"; }
    [ "$(grep -c '^# Match' "$tmp/run.out")" -gt 1 ] || { cat "$tmp/run.out"; fail "no series matched"; }
    grep -q "^Modality: MR" "$tmp/run.out" && fail "a series that is not CT matched"
    mkdir -p "$tmp/qr/db"
    # another test may take the port first: a few tries
    for try in 1 2 3 4 5; do
      qr_port=$(free_port) || fail "no free port"
      printf '%s\n' "NetworkTCPPort = $qr_port" "MaxPDUSize = 16384" "MaxAssociations = 4" \
        "HostTable BEGIN" "HostTable END" "VendorTable BEGIN" "VendorTable END" "AETable BEGIN" \
        "QRSCP $tmp/qr/db RW (20, 64mb) ANY" "AETable END" > "$tmp/qr/dcmqrscp.cfg"
      dcmqrscp -c "$tmp/qr/dcmqrscp.cfg" > "$tmp/qr.log" 2>&1 &
      pids+=($!)
      wait_for_port "$qr_port" $! && break
      [ "$try" -lt 5 ] || { cat "$tmp/qr.log"; fail "dcmqrscp did not start"; }
    done
    expect_exit 0 "$dimse" find --relational -k PatientName "QRSCP@127.0.0.1:$qr_port"
    grep -q "warning: .* did not agree to relational queries" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "no warning for relational queries"; }
    ;;
  *)
    fail "unknown check $check"
    ;;
esac
echo "PASS: $check"
