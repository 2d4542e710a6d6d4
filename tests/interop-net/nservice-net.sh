#!/usr/bin/env bash
# Network interop of the DIMSE-N subcommands over 127.0.0.1: `dimse print`
# and `dimse n-*` against DCMTK's print SCP dcmprscp; `dimse commit` and
# `dimse mpps` against the engine's own provider (nservice-scp), with the
# storage commitment result on a second association the SCP opens back
# (DCMTK has no storage commitment SCP).
# Usage: nservice-net.sh CHECK DIMSE NSERVICE_SCP
# Exit 0 pass, 1 fail, 77 skip (DCMTK missing).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

check=$1
dimse=$2
nservice_scp=$3

for tool in dcmprscp dcmdump dump2dcm; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool (DCMTK) is not installed"; exit 77; }
done

export TCP_NODELAY=1
net_init

fail () {
  echo "FAIL: $*"
  for f in "$tmp"/*.out "$tmp"/*.err "$tmp"/*.log; do
    [ -s "$f" ] && { echo "--- $f"; tail -n 40 "$f"; }
  done
  exit 1
}

# Runs the command bounded in time; $tmp/run.out and .err; checks the exit status.
expect_exit () {
  local want=$1 got
  shift
  timeout 60 "$@" > "$tmp/run.out" 2> "$tmp/run.err"
  got=$?
  [ "$got" -eq "$want" ] || fail "exit $got, not $want: $*"
}

expect_out () {
  grep -q -- "$1" "$tmp/run.out" || fail "the output lacks “$1”"
}

# ---- dcmprscp ----

# A print SCP of DCMTK on a free port, its config in $tmp; sets prt_port.
start_dcmprscp () {
  local pid
  mkdir -p "$tmp/prt/database" "$tmp/prt/spool"
  for _ in 1 2 3; do
    prt_port=$(free_port) || fail "no free port"
    cat > "$tmp/prt/print.cfg" <<EOF
[[GENERAL]]
[PRINT]
Directory = $tmp/prt/spool
DetailedLog = false
BinaryLog = false
DeletePrintJobs = true
[DATABASE]
Directory = $tmp/prt/database
[NETWORK]
aetitle = DCMPSTATE
[[COMMUNICATION]]
[PRINTSCP]
Aetitle = PRINTSCP
Description = loopback print SCP for the interop checks
Hostname = localhost
Port = $prt_port
Type = LOCALPRINTER
DisableNewVRs = false
DisplayFormat = 1,1\\1,2\\2,2
FilmSizeID = 8INX10IN\\14INX17IN
MagnificationType = REPLICATE\\NONE
MaxDensity = 320
MinDensity = 20
MediumType = PAPER\\CLEAR FILM
ImplicitOnly = false
MaxPDU = 32768
OmitSOPClassUIDFromCreateResponse = false
PresentationLUTMatchRequired = false
PresentationLUTinFilmSession = false
SupportsPresentationLUT = false
Supports12Bit = true
EOF
    (cd "$tmp/prt" && exec timeout 120 dcmprscp --config print.cfg --printer PRINTSCP) \
      > "$tmp/dcmprscp.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_for_port "$prt_port" "$pid" && return 0
  done
  fail "dcmprscp did not start"
}

check_print_dcmprscp () {
  start_dcmprscp
  expect_exit 0 "$dimse" print --display-format 'STANDARD\1,2' --film-size 8INX10IN \
    --medium PAPER --rows 32 --columns 48 "PRINTSCP@127.0.0.1:$prt_port"
  # Film Session, Film Box, two Image Boxes, print, Printer, delete
  [ "$(grep -c ': 0x0000 Success' "$tmp/run.out")" -eq 7 ] || fail "not seven successes"
  [ "$(grep -c '^N-SET-RSP' "$tmp/run.out")" -eq 2 ] || fail "not two image boxes set"
  for rsp in N-CREATE-RSP N-ACTION-RSP N-GET-RSP N-DELETE-RSP; do
    expect_out "^$rsp from PRINTSCP@127.0.0.1:$prt_port: 0x0000 Success"
  done
  expect_out 'ReferencedImageBoxSequence'
  expect_out 'PrinterStatus: NORMAL'
  # dcmprscp kept the film as hardcopy images of our pixels
  local hg
  hg=$(ls "$tmp/prt/database"/HG_*.dcm 2> /dev/null | head -n 1)
  [ -n "$hg" ] || fail "dcmprscp stored no hardcopy grayscale image"
  dcmdump "$hg" > "$tmp/hg.log" 2>&1 || fail "dcmdump of the hardcopy image"
  grep -q '(0028,0010) US 32' "$tmp/hg.log" || fail "the printed image has not 32 rows"
  grep -q '(0028,0011) US 48' "$tmp/hg.log" || fail "the printed image has not 48 columns"
}

check_n_dcmprscp () {
  start_dcmprscp
  local peer="PRINTSCP@127.0.0.1:$prt_port"
  expect_exit 0 "$dimse" n-get -c Printer -i 1.2.840.10008.5.1.1.17 -a PrinterStatus "$peer"
  expect_out 'PrinterStatus: NORMAL'
  expect_exit 0 "$dimse" n-create -c BasicFilmSession -k NumberOfCopies=2 -k MediumType=PAPER \
    "$peer"
  expect_out 'Affected SOP Instance UID: '
  expect_out 'NumberOfCopies: 2'
  # a film session lives as long as its association: none is left to change
  expect_exit 2 "$dimse" n-set -c BasicFilmSession -i 1.2.3.4.5 -k NumberOfCopies=3 "$peer"
  expect_out '^N-SET-RSP from .*: 0x0112 No Such SOP Instance'
  expect_exit 2 "$dimse" n-delete -c BasicFilmSession -i 1.2.3.4.5 "$peer"
  expect_out '^N-DELETE-RSP from .*: 0x0112 No Such SOP Instance'
  expect_exit 2 "$dimse" n-action -c BasicFilmBox -i 1.2.3.4.6 --action-type 1 "$peer"
  expect_out '^N-ACTION-RSP from '
}

# ---- the engine's provider ----

# $tmp/held/*.dcm are held by the SCP, $tmp/extra.dcm is not.
make_instances () {
  mkdir -p "$tmp/held"
  for i in 1 2 3; do
    printf '%s\n' '(0008,0016) UI [1.2.840.10008.5.1.4.1.1.7]' \
      "(0008,0018) UI [1.2.826.0.1.3680043.10.1247.77.$i]" '(0010,0010) PN [Commit^Test]' \
      > "$tmp/i$i.dump"
    dump2dcm +te "$tmp/i$i.dump" "$tmp/held/$i.dcm" > /dev/null 2>&1 || fail "dump2dcm $i"
  done
  printf '%s\n' '(0008,0016) UI [1.2.840.10008.5.1.4.1.1.7]' \
    '(0008,0018) UI [1.2.826.0.1.3680043.10.1247.77.9]' > "$tmp/extra.dump"
  dump2dcm +te "$tmp/extra.dump" "$tmp/extra.dcm" > /dev/null 2>&1 || fail "dump2dcm extra"
}

# Starts nservice-scp with its options; sets scp_port.
start_scp () {
  local pid
  rm -f "$tmp/scp.port"
  timeout 120 "$nservice_scp" "$@" "$tmp/scp.port" "$tmp"/held/*.dcm > "$tmp/scp.out" \
    2> "$tmp/scp.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 100); do
    [ -s "$tmp/scp.port" ] && { scp_port=$(cat "$tmp/scp.port"); return 0; }
    kill -0 "$pid" 2> /dev/null || fail "nservice-scp exited"
    sleep 0.1
  done
  fail "nservice-scp wrote no port"
}

check_commit_new_association () {
  make_instances
  local port
  port=$(free_port) || fail "no free port"
  start_scp --report new --node "COMMITSCU@127.0.0.1:$port"
  expect_exit 2 "$dimse" commit --aet COMMITSCU --port "$port" --timeout 20 \
    "NSCP@127.0.0.1:$scp_port" "$tmp/held" "$tmp/extra.dcm"
  expect_out 'on an association it opened'
  expect_out 'event type 2, 3 committed, 1 failed'
  expect_out 'failed    1.2.826.0.1.3680043.10.1247.77.9 .*0x0112 No Such Object Instance'
  [ "$(grep -c '^  committed ' "$tmp/run.out")" -eq 3 ] || fail "not three committed"
  grep -q 'report-sent .* event=2 status=0x0000' "$tmp/scp.out" \
    || fail "the SCP did not see the report answered"
  # and all held: success
  expect_exit 0 "$dimse" commit --aet COMMITSCU --port "$port" --timeout 20 --release \
    "NSCP@127.0.0.1:$scp_port" "$tmp/held"
  expect_out 'event type 1, 3 committed, 0 failed'
  expect_out 'on an association it opened'
}

check_commit_same_association () {
  make_instances
  start_scp --report same
  expect_exit 0 "$dimse" commit --timeout 20 "NSCP@127.0.0.1:$scp_port" "$tmp/held"
  expect_out 'on our association'
  expect_out 'event type 1, 3 committed, 0 failed'
}

check_commit_no_listener () {
  make_instances
  # the SCP cannot reach us: the wait ends with a failure, not a hang
  start_scp --report new
  expect_exit 2 "$dimse" commit --timeout 3 "NSCP@127.0.0.1:$scp_port" "$tmp/held"
  grep -q 'No storage commitment result' "$tmp/run.err" || fail "no timeout message"
}

check_mpps () {
  make_instances
  start_scp
  local peer="NSCP@127.0.0.1:$scp_port" uid
  printf '%s\n' '{ "00100020": { "vr": "LO", "Value": [ "P1" ] } }' > "$tmp/patient.json"
  expect_exit 0 "$dimse" mpps "$peer" create --json "$tmp/patient.json" -k 'PatientName=Doe^John'
  uid=$(sed -n 's/^Created step //p' "$tmp/run.out")
  [ -n "$uid" ] || fail "no step UID printed"
  expect_exit 0 "$dimse" n-get -c ModalityPerformedProcedureStep -i "$uid" -a PatientID \
    -a PerformedProcedureStepStatus "$peer"
  expect_out 'PatientID: P1'
  expect_out 'PerformedProcedureStepStatus: IN PROGRESS'
  # the MPPS SOP class has no N-EVENT-REPORT to take (PS3.4 Table F.7.1-1)
  expect_exit 2 "$dimse" n-event-report -c ModalityPerformedProcedureStep -i "$uid" \
    --event-type 1 "$peer"
  expect_out '^N-EVENT-REPORT-RSP from .*: 0x0211 Unrecognized Operation'
  expect_exit 1 "$dimse" n-get -c ModalityPerformedProcedureStep -i "$uid" -a PatientID \
    -a FilmSizeID "$peer"
  expect_out '0x0107 Warning: Attribute List Error'
  expect_out 'Attribute Identifier List (2010,0050)'

  expect_exit 0 "$dimse" mpps "$peer" set "$uid" -k PerformedProcedureStepDescription=CHEST
  expect_exit 0 "$dimse" mpps "$peer" complete "$uid"
  # PS3.4 F.7.2.2.2: no change after COMPLETED
  expect_exit 2 "$dimse" mpps "$peer" discontinue "$uid"
  expect_out '0x0110 Processing Failure'
  expect_out 'Error ID: 0xA710'
  expect_out 'may no longer be updated'
  # missing required attributes at N-CREATE
  expect_exit 2 "$dimse" mpps "$peer" create --bare -k PerformedProcedureStepStatus=IN\ PROGRESS
  expect_out '0x0120 Missing Attribute'
  grep -q "mpps $uid COMPLETED" "$tmp/scp.out" || fail "the SCP did not keep the step COMPLETED"
}

case "$check" in
  print-dcmprscp) check_print_dcmprscp ;;
  n-dcmprscp) check_n_dcmprscp ;;
  commit-new-association) check_commit_new_association ;;
  commit-same-association) check_commit_same_association ;;
  commit-no-listener) check_commit_no_listener ;;
  mpps) check_mpps ;;
  *) echo "unknown check $check"; exit 1 ;;
esac
echo "PASS: $check"
