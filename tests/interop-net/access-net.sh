#!/usr/bin/env bash
# User identity (PS3.7 §D.3.3.7) and access control of `dimse serve` and
# `dimse listen` against DCMTK's storescu, echoscu and findscu over
# 127.0.0.1: a listed user and passcode get in (with the positive response
# asked for), a wrong passcode gets an A-ASSOCIATE-RJ rejected-permanent
# from the ACSE service-provider, a calling AE allowed only C-FIND has its
# C-ECHO refused (0124) and its C-FIND answered, an AE bound to another
# address is rejected (A-ASSOCIATE-RJ, calling AE title not recognized),
# `dimse listen --accept AET:SERVICES` refuses the other service (0124)
# and writes nothing, and the passcode shows up in no output.
# Usage: access-net.sh CHECK DIMSE
# Exit 0 pass, 1 fail, 77 skip (no DCMTK).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

check=$1
dimse=$2

for tool in echoscu storescu findscu dump2dcm; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

export TCP_NODELAY=1
net_init
passcode="Pa55-word-for-the-test"

# `dimse SUBCOMMAND --port 0 …`, its output in $tmp/server.out and .err.
start_dimse () {
  start_dimse_as server "$@"
}

# $tmp/ct.dcm: a small CT instance.
make_instance () {
  make_ct_instance "$tmp/ct.dcm" 1.2.826.0.1.3680043.10.1247.320.1 "ACCESS^TEST" AC1
}

no_passcode_anywhere () {
  if grep -r -q -- "$passcode" "$tmp"/*.out "$tmp"/*.err 2> /dev/null; then
    fail "the passcode appears in an output"
  fi
}

printf 'alice:%s\n# a device that has no passcode\nmodality\n' "$passcode" > "$tmp/users"
mkdir -p "$tmp/arch" "$tmp/in"

case $check in
  serve-identity)
    make_instance
    start_dimse serve --port 0 --bind 127.0.0.1 --aet ARCHIVE --accept STORESCU,ECHOSCU \
      --users "$tmp/users" -v "$tmp/arch"
    storescu -aet STORESCU -aec ARCHIVE --user alice --password "$passcode" --pos-response \
      127.0.0.1 "$port" "$tmp/ct.dcm" > "$tmp/good.out" 2>&1 \
      || { cat "$tmp/good.out"; fail "storescu with the right passcode failed"; }
    [ -f "$tmp/arch/1.2.826.0.1.3680043.10.1247.320.1.1.1.dcm" ] || fail "nothing was stored"
    storescu -aet STORESCU -aec ARCHIVE --user alice --password wrong-one 127.0.0.1 "$port" \
      "$tmp/ct.dcm" > "$tmp/bad.out" 2>&1
    grep -q "Rejected Permanent" "$tmp/bad.out" \
      || { cat "$tmp/bad.out"; fail "a wrong passcode was not rejected permanently"; }
    grep -q "Service Provider (ACSE Related)" "$tmp/bad.out" \
      || { cat "$tmp/bad.out"; fail "the rejection does not come from the ACSE service-provider"; }
    storescu -aet STORESCU -aec ARCHIVE --user modality 127.0.0.1 "$port" "$tmp/ct.dcm" \
      > "$tmp/username.out" 2>&1 \
      || { cat "$tmp/username.out"; fail "a user listed without passcode was refused"; }
    echoscu -aet ECHOSCU -aec ARCHIVE 127.0.0.1 "$port" > "$tmp/none.out" 2>&1 \
      && fail "an association without a user identity was accepted"
    no_passcode_anywhere
    ;;
  listen-identity)
    start_dimse listen --port 0 --accept any --users "$tmp/users" -v --out "$tmp/in"
    echoscu 127.0.0.1 "$port" > "$tmp/none.out" 2>&1 \
      && fail "dimse listen accepted an association without a user identity"
    "$dimse" echo --user alice --passcode "$passcode" --insecure-passcode -v \
      "127.0.0.1:$port" > "$tmp/echo.out" 2> "$tmp/echo.err" \
      || { cat "$tmp/echo.err"; fail "dimse echo with the right passcode failed"; }
    # Without TLS and without --insecure-passcode only the username goes,
    # which alice cannot come in with.
    "$dimse" echo --user alice --passcode "$passcode" "127.0.0.1:$port" \
      > "$tmp/plain.out" 2> "$tmp/plain.err" && fail "the passcode went over plain TCP"
    grep -q "not sent over plain TCP" "$tmp/plain.err" \
      || { cat "$tmp/plain.err"; fail "dimse echo did not say why it left the passcode out"; }
    no_passcode_anywhere
    ;;
  serve-services)
    make_instance
    start_dimse serve --port 0 --bind 127.0.0.1 --aet ARCHIVE \
      --accept "FINDONLY:find,STORESCU@127.0.0.1:store,echo,FARAWAY@192.0.2.7" "$tmp/arch"
    storescu -aet STORESCU -aec ARCHIVE 127.0.0.1 "$port" "$tmp/ct.dcm" > "$tmp/store.out" 2>&1 \
      || { cat "$tmp/store.out"; fail "the store from STORESCU@127.0.0.1 failed"; }
    echoscu -v -aet FINDONLY -aec ARCHIVE 127.0.0.1 "$port" > "$tmp/echo.out" 2>&1
    grep -q -i "Status: 0x124\|Not Authorized" "$tmp/echo.out" \
      || { cat "$tmp/echo.out"; fail "FINDONLY's C-ECHO was not refused"; }
    findscu -S -aet FINDONLY -aec ARCHIVE -k QueryRetrieveLevel=STUDY -k PatientID=AC1 \
      -k StudyInstanceUID 127.0.0.1 "$port" > "$tmp/find.out" 2>&1 \
      || { cat "$tmp/find.out"; fail "FINDONLY's C-FIND failed"; }
    grep -q "1.2.826.0.1.3680043.10.1247.320.1" "$tmp/find.out" \
      || { cat "$tmp/find.out"; fail "FINDONLY's C-FIND found nothing"; }
    echoscu -v -aet FARAWAY -aec ARCHIVE 127.0.0.1 "$port" > "$tmp/far.out" 2>&1 \
      && { cat "$tmp/far.out"; fail "FARAWAY, bound to 192.0.2.7, was served from 127.0.0.1"; }
    grep -q "Association Rejected" "$tmp/far.out" \
      && grep -q "Calling AE Title Not Recognized" "$tmp/far.out" \
      || { cat "$tmp/far.out"; fail "FARAWAY from 127.0.0.1 was not rejected as not recognized"; }
    echoscu -aet STRANGER -aec ARCHIVE 127.0.0.1 "$port" > "$tmp/stranger.out" 2>&1
    grep -q "Calling AE Title Not Recognized" "$tmp/stranger.out" \
      || { cat "$tmp/stranger.out"; fail "an unlisted calling AE title was not rejected"; }
    ;;
  listen-services)
    # Repeated --accept: entries with services or an address, and the old
    # comma list of AE titles beside them.
    make_instance
    start_dimse listen --port 0 --accept 'ECHOONLY:echo' --accept 'BOUND@127.0.0.2' \
      --accept OLDONE,OLDTWO --out "$tmp/in"
    echoscu -aet ECHOONLY 127.0.0.1 "$port" > "$tmp/echo.out" 2>&1 \
      || { cat "$tmp/echo.out"; fail "ECHOONLY's C-ECHO failed"; }
    storescu -v -aet ECHOONLY 127.0.0.1 "$port" "$tmp/ct.dcm" > "$tmp/store.out" 2>&1 \
      && { cat "$tmp/store.out"; fail "ECHOONLY's C-STORE succeeded"; }
    grep -q -i "Status: 0x124\|Not Authorized" "$tmp/store.out" \
      || { cat "$tmp/store.out"; fail "ECHOONLY's C-STORE was not refused with 0124"; }
    [ -z "$(ls -A "$tmp/in")" ] || { ls -A "$tmp/in"; fail "the refused C-STORE wrote a file"; }
    echoscu -aet BOUND 127.0.0.1 "$port" > "$tmp/bound.out" 2>&1 \
      && { cat "$tmp/bound.out"; fail "BOUND, bound to 127.0.0.2, was served from 127.0.0.1"; }
    grep -q "Association Rejected" "$tmp/bound.out" \
      && grep -q "Calling AE Title Not Recognized" "$tmp/bound.out" \
      || { cat "$tmp/bound.out"; fail "BOUND from 127.0.0.1 was not rejected as not recognized"; }
    storescu -aet OLDTWO 127.0.0.1 "$port" "$tmp/ct.dcm" > "$tmp/old.out" 2>&1 \
      || { cat "$tmp/old.out"; fail "OLDTWO, of the comma list, could not store"; }
    [ -f "$tmp/in/1.2.826.0.1.3680043.10.1247.320.1.1.1.dcm" ] || fail "OLDTWO's C-STORE wrote nothing"
    echoscu -aet STRANGER 127.0.0.1 "$port" > "$tmp/stranger.out" 2>&1
    grep -q "Calling AE Title Not Recognized" "$tmp/stranger.out" \
      || { cat "$tmp/stranger.out"; fail "an unlisted calling AE title was not rejected"; }
    ;;
  serve-allow-list-default)
    # Reachable from the network, without --accept or --node: no start (the
    # --node allow-list is not tried here, as it would listen beyond
    # loopback); on loopback, any local program may call.
    "$dimse" serve --port 0 --aet ARCHIVE "$tmp/arch" > "$tmp/nothing.out" 2> "$tmp/nothing.err" \
      && fail "dimse serve started on every address with no allow-list"
    grep -q -- "--accept" "$tmp/nothing.err" || fail "dimse serve did not say to give --accept"
    start_dimse serve --port 0 --bind 127.0.0.1 --aet ARCHIVE "$tmp/arch"
    echoscu -aet ANYONE -aec ARCHIVE 127.0.0.1 "$port" > "$tmp/local.out" 2>&1 \
      || { cat "$tmp/local.out"; fail "a local caller was refused on loopback"; }
    ;;
  *)
    fail "unknown check $check"
    ;;
esac
echo "PASS: $check"
