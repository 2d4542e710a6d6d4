#!/usr/bin/env bash
# Network interop of `dimse serve` (the embedded archive) with DCMTK's findscu, movescu,
# getscu, storescu, echoscu and storescp, and with `dimse find/move/get`, over 127.0.0.1.
# Usage: archive-net.sh CHECK DIMSE
# Exit 0 pass, 1 fail, 77 skip (DCMTK missing).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

check=$1
dimse=$2

for tool in echoscu findscu movescu getscu storescu storescp dcmdump dump2dcm; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool (DCMTK) is not installed"; exit 77; }
done

export TCP_NODELAY=1
net_init

# Starts `dimse serve` on a port the system picks, on 127.0.0.1, with the
# given options and folder; sets serve_port and serve_pid, its output in
# $tmp/serve.out and .err. The line it prints once listening gives the port.
start_serve () {
  rm -f "$tmp/serve.out"   # not an earlier serve's "Listening" line
  "$dimse" serve --port 0 --bind 127.0.0.1 --aet ARCHIVE "$@" > "$tmp/serve.out" 2> "$tmp/serve.err" &
  serve_pid=$!
  pids+=("$serve_pid")
  for _ in $(seq 1 200); do
    serve_port=$(sed -n 's/^Listening as [^ ]* on 127\.0\.0\.1:\([0-9]*\), .*/\1/p' "$tmp/serve.out")
    [ -n "$serve_port" ] && return 0
    kill -0 "$serve_pid" 2> /dev/null || break
    sleep 0.1
  done
  cat "$tmp/serve.out" "$tmp/serve.err"
  fail "dimse serve did not start"
}

stop_serve () {
  kill -TERM "$serve_pid"
  local rc=0
  wait "$serve_pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "dimse serve exited with $rc on SIGTERM"
}

# `dimse serve --demo` with its archive in $tmp/demo, on loopback; sets
# serve_port and serve_pid as start_serve does.
start_demo () {
  rm -f "$tmp/serve.out"
  "$dimse" serve --demo --demo-dir "$tmp/demo" --port 0 > "$tmp/serve.out" 2> "$tmp/serve.err" &
  serve_pid=$!
  pids+=("$serve_pid")
  serve_port=
  for _ in $(seq 1 600); do
    serve_port=$(sed -n 's/^Listening as DIMSEBENCH on 127\.0\.0\.1:\([0-9]*\), .*/\1/p' "$tmp/serve.out")
    [ -n "$serve_port" ] && break
    kill -0 "$serve_pid" 2> /dev/null || break
    sleep 0.1
  done
  [ -n "$serve_port" ] || { cat "$tmp/serve.out" "$tmp/serve.err"; fail "the demo did not start"; }
}

start_storescp () {
  mkdir -p "$tmp/storescp"
  for _ in 1 2 3 4 5; do
    storescp_port=$(free_port) || fail "no free port"
    storescp -aet STORESCP -od "$tmp/storescp" "$storescp_port" > "$tmp/storescp.log" 2>&1 &
    pids+=($!)
    wait_for_port "$storescp_port" $! && return 0
  done
  cat "$tmp/storescp.log"
  fail "storescp did not start"
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

# Each file of the folder $2 (default: the archive's) came out in folder $1
# (under any name holding its SOP Instance UID) with the same data set,
# byte for byte; $3 the number of files $1 must hold.
compare_retrieved () {
  local out=$1 in=$2 n=$3 f uid got
  [ "$(ls -A "$out" | wc -l)" -eq "$n" ] || { ls -A "$out"; fail "$out holds not $n files"; }
  for f in "$in"/*.dcm; do
    uid=$(uid_of "$f" 0008,0018)
    got=$(ls "$out"/*"$uid"* 2> /dev/null | head -n 1)
    [ -n "$got" ] || fail "$(basename "$f") ($uid) was not retrieved into $out"
    cmp <(data_set_bytes "$f") <(data_set_bytes "$got") \
      || fail "$got differs from $(basename "$f")"
  done
  echo "$(ls "$in"/*.dcm | wc -l) instances retrieved, data sets identical byte for byte"
}

# ---- the archive: three patients (one named in Latin-1), three studies,
# four series, five images; 30 more in series 1.1 with --many ----
r=1.2.826.0.1.3680043.10.1247.400

# instance N NAME PATIENT_ID STUDY DATE SERIES MODALITY SERIES_NUMBER IMAGE [CHARSET]
instance () {
  {
    [ -n "${10:-}" ] && echo "(0008,0005) CS [${10}]"
    echo "(0008,0016) UI =SecondaryCaptureImageStorage"
    echo "(0008,0018) UI [$r.$9]"
    echo "(0008,0020) DA [$5]"
    echo "(0008,0030) TM [101500]"
    echo "(0008,0060) CS [$7]"
    printf '(0010,0010) PN [%s]\n' "$2"
    echo "(0010,0020) LO [$3]"
    echo "(0020,000d) UI [$r.$4]"
    echo "(0020,000e) UI [$r.$6]"
    echo "(0020,0011) IS [$8]"
    echo "(0020,0013) IS [${9##*.}]"
  } > "$tmp/$1.dump"
  dump2dcm +te "$tmp/$1.dump" "$tmp/arch/$1.dcm" || fail "dump2dcm $1"
}

make_archive () {
  mkdir -p "$tmp/arch"
  instance 1 'DOE^JOHN' P1 1 20200315 1.1 MR 1 1.1.1
  instance 2 'DOE^JOHN' P1 1 20200315 1.1 MR 1 1.1.2
  instance 3 'DOE^JOHN' P1 1 20200315 1.2 CT 2 1.2.1
  instance 4 'DOE^JANE' P3 3 20201120 3.1 CT 1 3.1.1
  instance 5 $'M\xdcLLER^J\xdcRGEN' P2 2 20210610 2.1 MR 1 2.1.1 'ISO_IR 100'
  if [ "${1:-}" = --many ]; then
    for i in $(seq 3 32); do
      instance "m$i" 'DOE^JOHN' P1 1 20200315 1.1 MR 1 "1.1.$i"
    done
  fi
  mkdir -p "$tmp/study1" "$tmp/series11"
  cp "$tmp"/arch/1.dcm "$tmp"/arch/2.dcm "$tmp"/arch/3.dcm "$tmp/study1"
  cp "$tmp"/arch/1.dcm "$tmp"/arch/2.dcm "$tmp/series11"
}

# findscu against the archive; $1 the matches wanted, $2 -P or -S, the rest
# its keys. The responses go to $tmp/rsp/rsp*.dcm.
expect_findscu () {
  local want=$1 model=$2 got
  shift 2
  rm -rf "$tmp/rsp"
  mkdir -p "$tmp/rsp"
  local keys=()
  for k in "$@"; do
    keys+=(-k "$k")
  done
  expect_exit 0 findscu "$model" -aet FINDSCU -aec ARCHIVE -X -od "$tmp/rsp" "${keys[@]}" \
    127.0.0.1 "$serve_port"
  got=$(ls "$tmp/rsp" | grep -c '^rsp.*\.dcm$')
  [ "$got" -eq "$want" ] || { cat "$tmp/run.err"; fail "findscu $model $*: $got matches, expected $want"; }
}

# The values of a tag in the findscu responses, sorted, joined by '|'.
rsp_values () {
  local f
  for f in "$tmp"/rsp/rsp*.dcm; do
    dcmdump -q -s +P "$1" "$f" | sed -n 's/^([0-9a-f,]*) [A-Z][A-Z] \[\(.*\)\].*/\1/p'
  done | sort | paste -sd '|'
}

expect_rsp_values () {
  local got
  got=$(rsp_values "$1")
  [ "$got" = "$2" ] || fail "expected $1 values $2, got: $got"
}

case "$check" in
  findscu)
    make_archive
    start_serve --accept any "$tmp/arch"
    grep -q "5 instances of 3 studies indexed" "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "the listening line does not count the archive"; }
    # Patient Root, PATIENT level: every patient, then a wildcard
    expect_findscu 3 -P QueryRetrieveLevel=PATIENT PatientID PatientName
    expect_rsp_values 0010,0020 'P1|P2|P3'
    expect_findscu 2 -P QueryRetrieveLevel=PATIENT 'PatientName=DOE*' PatientID
    expect_rsp_values 0010,0020 'P1|P3'
    expect_findscu 1 -P QueryRetrieveLevel=PATIENT 'PatientName=M?LLER*' PatientID
    expect_rsp_values 0010,0020 'P2'
    # Patient Root below PATIENT: the unique keys above the level
    expect_findscu 1 -P QueryRetrieveLevel=STUDY PatientID=P1 StudyInstanceUID StudyDate
    expect_rsp_values 0020,000d "$r.1"
    expect_findscu 2 -P QueryRetrieveLevel=IMAGE PatientID=P1 StudyInstanceUID=$r.1 \
      SeriesInstanceUID=$r.1.1 SOPInstanceUID
    expect_rsp_values 0008,0018 "$r.1.1.1|$r.1.1.2"
    # Study Root: a date range, SERIES level, IMAGE level with a UID list
    expect_findscu 2 -S QueryRetrieveLevel=STUDY StudyDate=20200101-20201231 StudyInstanceUID
    expect_rsp_values 0020,000d "$r.1|$r.3"
    expect_findscu 1 -S QueryRetrieveLevel=STUDY StudyDate=20210101- StudyInstanceUID
    expect_rsp_values 0020,000d "$r.2"
    expect_findscu 2 -S QueryRetrieveLevel=SERIES StudyInstanceUID=$r.1 SeriesInstanceUID Modality
    expect_rsp_values 0008,0060 'CT|MR'
    expect_findscu 2 -S QueryRetrieveLevel=IMAGE StudyInstanceUID=$r.1 SeriesInstanceUID=$r.1.1 \
      "SOPInstanceUID=$r.1.1.2\\$r.1.1.1\\$r.9.9.9"
    expect_rsp_values 0008,0018 "$r.1.1.1|$r.1.1.2"
    expect_findscu 2 -S QueryRetrieveLevel=SERIES StudyInstanceUID=$r.1 \
      "SeriesInstanceUID=$r.1.1\\$r.1.2"
    expect_rsp_values 0020,000e "$r.1.1|$r.1.2"
    # the counts of PS3.4 C.6
    expect_findscu 1 -S QueryRetrieveLevel=STUDY StudyInstanceUID=$r.1 NumberOfStudyRelatedInstances
    expect_rsp_values 0020,1208 '3'
    # PS3.4 C.4.1.1.3.2: Retrieve AE Title is ours
    expect_findscu 1 -S QueryRetrieveLevel=STUDY StudyInstanceUID=$r.1 RetrieveAETitle
    expect_rsp_values 0008,0054 'ARCHIVE'
    # no match
    expect_findscu 0 -S QueryRetrieveLevel=STUDY PatientName=NOBODY
    # Modality Worklist: accepted, nothing scheduled
    expect_findscu 0 -W PatientName
    grep -q "^C-FIND from FINDSCU: .*(0x0000)$" "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "dimse serve did not print the C-FINDs"; }
    # a PATIENT level query is not part of Study Root: a failure status
    run findscu -v -S -aet FINDSCU -aec ARCHIVE -k QueryRetrieveLevel=PATIENT -k PatientName \
      127.0.0.1 "$serve_port"
    grep -q "DataSetDoesNotMatchSOPClass" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "findscu did not get A900"; }
    stop_serve
    ;;
  findscu-cancel)
    # findscu --cancel 1: it stops after one response with a C-CANCEL-RQ;
    # the final status is Cancel, or Success when every match was sent
    # before the C-CANCEL-RQ arrived (PS3.7 §9.3.2.3); findscu still ends well.
    make_archive --many
    start_serve --accept any "$tmp/arch"
    expect_exit 0 findscu -S -aet FINDSCU -aec ARCHIVE --cancel 1 -k QueryRetrieveLevel=IMAGE \
      -k StudyInstanceUID=$r.1 -k SeriesInstanceUID=$r.1.1 -k SOPInstanceUID 127.0.0.1 "$serve_port"
    grep -q "^C-FIND from FINDSCU: .*(0x\(FE00\|0000\))$" "$tmp/serve.out" \
      || { cat "$tmp/serve.out" "$tmp/serve.err"; fail "no final C-FIND status"; }
    grep "^C-FIND from" "$tmp/serve.out"
    # and the archive answers the next query
    expect_findscu 2 -S QueryRetrieveLevel=SERIES StudyInstanceUID=$r.1 SeriesInstanceUID
    stop_serve
    ;;
  movescu)
    make_archive
    start_storescp
    start_serve --accept any --node "STORESCP=127.0.0.1:$storescp_port" "$tmp/arch"
    expect_exit 0 movescu -S -aet MOVESCU -aec ARCHIVE -aem STORESCP \
      -k QueryRetrieveLevel=STUDY -k StudyInstanceUID=$r.1 127.0.0.1 "$serve_port"
    compare_retrieved "$tmp/storescp" "$tmp/study1" 3
    grep -q "^C-MOVE from MOVESCU to STORESCP: .*(0x0000)$" "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "dimse serve did not print the C-MOVE"; }
    # Patient Root, SERIES level
    rm -f "$tmp"/storescp/*
    expect_exit 0 movescu -P -aet MOVESCU -aec ARCHIVE -aem STORESCP \
      -k QueryRetrieveLevel=SERIES -k PatientID=P1 -k StudyInstanceUID=$r.1 \
      -k SeriesInstanceUID=$r.1.1 127.0.0.1 "$serve_port"
    compare_retrieved "$tmp/storescp" "$tmp/series11" 2
    # a destination not in the node table: A801
    run movescu -S -aet MOVESCU -aec ARCHIVE -aem NOWHERE \
      -k QueryRetrieveLevel=STUDY -k StudyInstanceUID=$r.1 127.0.0.1 "$serve_port"
    grep -q "^C-MOVE from MOVESCU to NOWHERE: .*(0xA801)$" "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "no A801 for an unknown destination"; }
    stop_serve
    ;;
  getscu)
    make_archive
    start_serve --accept any "$tmp/arch"
    mkdir -p "$tmp/got" "$tmp/got-series"
    expect_exit 0 getscu -S -aet GETSCU -aec ARCHIVE -od "$tmp/got" \
      -k QueryRetrieveLevel=STUDY -k StudyInstanceUID=$r.1 127.0.0.1 "$serve_port"
    compare_retrieved "$tmp/got" "$tmp/study1" 3
    expect_exit 0 getscu -P -aet GETSCU -aec ARCHIVE -od "$tmp/got-series" \
      -k QueryRetrieveLevel=SERIES -k PatientID=P1 -k StudyInstanceUID=$r.1 \
      -k SeriesInstanceUID=$r.1.1 127.0.0.1 "$serve_port"
    compare_retrieved "$tmp/got-series" "$tmp/series11" 2
    grep -q "^C-GET from GETSCU: .*(0x0000)$" "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "dimse serve did not print the C-GET"; }
    stop_serve
    ;;
  n-services)
    # Storage commitment answered from what the archive holds; MPPS kept
    # with its state rules (PS3.4 Annexes J and F.7)
    make_archive
    mkdir -p "$tmp/foreign"
    instance f1 'DOE^JOHN' P1 1 20200315 1.1 MR 1 9.9.9
    mv "$tmp/arch/f1.dcm" "$tmp/foreign/"
    start_serve --accept any "$tmp/arch"
    expect_exit 0 "$dimse" commit "ARCHIVE@127.0.0.1:$serve_port" "$tmp/arch/1.dcm" "$tmp/arch/3.dcm"
    grep -q "2 committed, 0 failed" "$tmp/run.out" || { cat "$tmp/run.out"; fail "commit of held instances"; }
    expect_exit 2 "$dimse" commit "ARCHIVE@127.0.0.1:$serve_port" "$tmp/arch/1.dcm" "$tmp/foreign/f1.dcm"
    grep -q "1 committed, 1 failed" "$tmp/run.out" || { cat "$tmp/run.out"; fail "commit of an unknown instance"; }
    expect_exit 0 "$dimse" mpps -q "ARCHIVE@127.0.0.1:$serve_port" create
    step=$(sed -n 's/^Created step \([0-9.]*\).*/\1/p' "$tmp/run.out")
    [ -n "$step" ] || { cat "$tmp/run.out"; fail "no step created"; }
    expect_exit 0 "$dimse" mpps -q "ARCHIVE@127.0.0.1:$serve_port" complete "$step"
    expect_exit 2 "$dimse" mpps -q "ARCHIVE@127.0.0.1:$serve_port" discontinue "$step"
    grep -q "0x0110" "$tmp/run.out" "$tmp/run.err" || { cat "$tmp/run.out" "$tmp/run.err"; fail "a change after COMPLETED was not refused with 0110"; }
    stop_serve
    ;;
  storescu)
    # stored into the folder and the index: the next C-FIND finds it
    make_archive
    mkdir -p "$tmp/new" "$tmp/served"
    cp "$tmp"/arch/*.dcm "$tmp/served"
    mv "$tmp/arch/4.dcm" "$tmp/new/"
    start_serve -v --accept STORESCU,FINDSCU "$tmp/arch"
    expect_findscu 0 -S QueryRetrieveLevel=STUDY PatientID=P3 StudyInstanceUID
    expect_exit 0 storescu -aet STORESCU -aec ARCHIVE 127.0.0.1 "$serve_port" "$tmp/new/4.dcm"
    grep -q "^Stored $tmp/arch/$r.3.1.1.dcm from STORESCU$" "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "no Stored line"; }
    cmp <(data_set_bytes "$tmp/new/4.dcm") <(data_set_bytes "$tmp/arch/$r.3.1.1.dcm") \
      || fail "the stored data set differs"
    expect_findscu 1 -S QueryRetrieveLevel=STUDY PatientID=P3 StudyInstanceUID
    expect_rsp_values 0020,000d "$r.3"
    stop_serve
    # -v: the traffic as it goes
    for pdu in "← A-ASSOCIATE-RQ" "→ A-ASSOCIATE-AC" P-DATA-TF "← A-RELEASE-RQ"; do
      grep -q "$pdu" "$tmp/serve.err" || { cat "$tmp/serve.err"; fail "-v did not print $pdu"; }
    done
    ;;
  dimse)
    # our own SCUs against our SCP: find, move to `dimse listen`, get
    make_archive --many
    mkdir -p "$tmp/listened" "$tmp/got"
    listen_port=$(free_port) || fail "no free port"
    "$dimse" listen --port "$listen_port" --aet LISTENER --accept ARCHIVE --out "$tmp/listened" \
      > "$tmp/listen.out" 2>&1 &
    pids+=($!)
    wait_for_port "$listen_port" $! || fail "dimse listen did not start"
    start_serve --accept DIMSE --node "LISTENER=127.0.0.1:$listen_port" "$tmp/arch"
    peer="ARCHIVE@127.0.0.1:$serve_port"
    expect_exit 0 "$dimse" find --aet DIMSE --model patient --level PATIENT --json \
      -k PatientName -k PatientID "$peer"
    [ "$(grep -c '"00100020"' "$tmp/run.out")" -eq 3 ] || { cat "$tmp/run.out"; fail "not 3 patients"; }
    grep -q 'MÜLLER^JÜRGEN' "$tmp/run.out" || { cat "$tmp/run.out"; fail "the Latin-1 name is not decoded"; }
    # cancel after one match
    expect_exit 0 "$dimse" find --aet DIMSE --level IMAGE --max-results 1 --json \
      -k StudyInstanceUID=$r.1 -k SeriesInstanceUID=$r.1.1 -k SOPInstanceUID "$peer"
    grep -q "(0x\(FE00\|0000\)), 1 matches, C-CANCEL sent" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "no C-CANCEL after one match"; }
    # a series to `dimse listen`
    expect_exit 0 "$dimse" move --aet DIMSE --dest LISTENER --level SERIES \
      -k StudyInstanceUID=$r.1 -k SeriesInstanceUID=$r.1.2 "$peer"
    grep -q "(0x0000), 1 completed, 0 failed, 0 warning" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "no success line for the move"; }
    [ -f "$tmp/listened/$r.1.2.1.dcm" ] || { ls "$tmp/listened"; fail "not moved"; }
    cmp <(data_set_bytes "$tmp/arch/3.dcm") <(data_set_bytes "$tmp/listened/$r.1.2.1.dcm") \
      || fail "the moved data set differs"
    # the study back with C-GET
    expect_exit 0 "$dimse" get --aet DIMSE -k StudyInstanceUID=$r.1 --out "$tmp/got" "$peer"
    grep -q "(0x0000); 33 completed, 0 failed, 0 warning, .* 33 files in" \
      "$tmp/run.err" || { cat "$tmp/run.err"; fail "no status line with the counts"; }
    cmp <(data_set_bytes "$tmp/arch/m7.dcm") <(data_set_bytes "$tmp/got/$r.1.1.7.dcm") \
      || fail "the data set got differs"
    # an unknown destination: A801, exit status 2
    expect_exit 2 "$dimse" move --aet DIMSE --dest NOWHERE -k StudyInstanceUID=$r.1 "$peer"
    grep -q "Move Destination unknown" "$tmp/run.err" && grep -q "0xA801" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "the refusal is not named"; }
    stop_serve
    ;;
  retrieve-window)
    # `dimse get` and `dimse move` (to its own Storage SCP) let the archive
    # have several C-STORE sub-operations outstanding (PS3.7 §D.3.3.3)
    make_archive --many
    mkdir -p "$tmp/got" "$tmp/moved"
    move_port=$(free_port) || fail "no free port"
    start_serve --accept DIMSE --node "DIMSE=127.0.0.1:$move_port" "$tmp/arch"
    peer="ARCHIVE@127.0.0.1:$serve_port"
    expect_exit 0 "$dimse" get -v --aet DIMSE -k StudyInstanceUID=$r.1 --out "$tmp/got" "$peer"
    grep -q "Asynchronous operations window: invoked 1, performed 16$" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "dimse get proposed no window for the C-STOREs"; }
    [ "$(ls "$tmp/got" | wc -l)" -eq 33 ] || { ls "$tmp/got"; fail "not 33 files got"; }
    expect_exit 0 "$dimse" move -v --aet DIMSE --port "$move_port" --out "$tmp/moved" \
      -k StudyInstanceUID=$r.1 "$peer"
    grep -q "Asynchronous operations window: invoked 1, performed 16$" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "dimse move's Storage SCP accepted no window"; }
    [ "$(ls "$tmp/moved" | wc -l)" -eq 33 ] || { ls "$tmp/moved"; fail "not 33 files moved"; }
    cmp <(data_set_bytes "$tmp/arch/m7.dcm") <(data_set_bytes "$tmp/moved/$r.1.1.7.dcm") \
      || fail "the moved data set differs"
    stop_serve
    ;;
  serve-verbose-move)
    # -v prints the association a C-MOVE opens to its destination too
    make_archive
    start_storescp
    start_serve -v --accept any --node "STORESCP=127.0.0.1:$storescp_port" "$tmp/arch"
    expect_exit 0 movescu -S -aet MOVESCU -aec ARCHIVE -aem STORESCP \
      -k QueryRetrieveLevel=STUDY -k StudyInstanceUID=$r.1 127.0.0.1 "$serve_port"
    compare_retrieved "$tmp/storescp" "$tmp/study1" 3
    stop_serve
    id=$(sed -n 's/^\[\([0-9]*\)\] → A-ASSOCIATE-RQ ARCHIVE → STORESCP,.*/\1/p' "$tmp/serve.err")
    [ -n "$id" ] || { cat "$tmp/serve.err"; fail "-v did not print the A-ASSOCIATE-RQ to STORESCP"; }
    for pdu in "← A-ASSOCIATE-AC" "→ P-DATA-TF" "← P-DATA-TF" "→ A-RELEASE-RQ" "← A-RELEASE-RP"; do
      grep -q "^\[$id\] $pdu" "$tmp/serve.err" \
        || { cat "$tmp/serve.err"; fail "-v did not print $pdu of the association to STORESCP"; }
    done
    ;;
  reject)
    # a calling AE title not in --accept: rejected permanent, by the service
    # user, calling AE title not recognized (PS3.8 Table 9-21)
    mkdir -p "$tmp/arch"
    start_serve --accept FRIEND "$tmp/arch"
    run echoscu -aet STRANGER -aec ARCHIVE 127.0.0.1 "$serve_port"
    grep -q "Calling AE Title Not Recognized" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "echoscu was not told the reason"; }
    expect_exit 3 "$dimse" echo --aet STRANGER "ARCHIVE@127.0.0.1:$serve_port"
    grep -q "Rejected Permanent, Service User, Calling AE Title Not Recognized" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "dimse echo did not say the reason"; }
    expect_exit 0 echoscu -aet FRIEND -aec ARCHIVE 127.0.0.1 "$serve_port"
    # a called AE title other than ours
    expect_exit 3 "$dimse" echo --aet FRIEND "OTHER@127.0.0.1:$serve_port"
    grep -q "Called AE Title Not Recognized" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no reason"; }
    stop_serve
    grep -q "Calling AE Title Not Recognized" "$tmp/serve.err" \
      || { cat "$tmp/serve.err"; fail "dimse serve did not say whom it refused"; }
    ;;
  demo)
    # the generated archive, on loopback only
    start_demo
    grep -q "^Generating the demo archive" "$tmp/serve.err" \
      || { cat "$tmp/serve.err"; fail "the first start did not generate the demo archive"; }
    n=$(sed -n 's/.*, \([0-9]*\) instances of \([0-9]*\) studies indexed$/\1/p' "$tmp/serve.out")
    [ "${n:-0}" -gt 0 ] || { cat "$tmp/serve.out"; fail "the demo archive is empty"; }
    # the next start finds it in place (its stamp matches) and serves the same
    stop_serve
    start_demo
    if grep -q "^Generating the demo archive" "$tmp/serve.err"; then
      fail "the second start generated the demo archive again"
    fi
    grep -q ", $n instances of " "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "the second start does not serve the $n instances"; }
    expect_exit 0 "$dimse" find --model patient --level PATIENT --json -k PatientName -k PatientID \
      "DIMSEBENCH@127.0.0.1:$serve_port"
    [ "$(grep -c '"00100020"' "$tmp/run.out")" -gt 1 ] || { cat "$tmp/run.out"; fail "no patients"; }
    expect_exit 0 echoscu -aec DIMSEBENCH 127.0.0.1 "$serve_port"
    stop_serve
    # --demo listens on loopback only
    expect_exit 2 "$dimse" serve --demo --demo-dir "$tmp/demo" --bind 0.0.0.0
    ;;
  demo-fuzzy)
    # PS3.4 §C.2.2.2.1.1: the demo's Müller^Jürgen found by "muller" once
    # fuzzy matching of person names is proposed (and agreed), not without
    start_demo
    peer="DIMSEBENCH@127.0.0.1:$serve_port"
    expect_exit 0 "$dimse" find -v --fuzzy --model patient --level PATIENT --json \
      -k PatientName=muller -k PatientID "$peer"
    grep -q "Extended negotiation agreed by .*: fuzzy person name matching" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "fuzzy matching was not agreed"; }
    grep -q '"Alphabetic": "Müller^Jürgen"' "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "--fuzzy did not find Müller^Jürgen"; }
    expect_exit 0 "$dimse" find --model patient --level PATIENT --json \
      -k PatientName=muller -k PatientID "$peer"
    if grep -q '"00100020"' "$tmp/run.out"; then
      cat "$tmp/run.out"; fail "without --fuzzy, muller matched"
    fi
    # the worklist too
    expect_exit 0 "$dimse" find --fuzzy --model mwl --json -k PatientName=Jurgen^Muller \
      -k PatientID "$peer"
    grep -q '"Alphabetic": "Müller^Jürgen"' "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "--fuzzy did not find Müller^Jürgen in the worklist"; }
    stop_serve
    ;;
  *)
    fail "unknown check $check"
    ;;
esac
echo "PASS: $check"
