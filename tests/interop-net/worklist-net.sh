#!/usr/bin/env bash
# Network interop of the Modality Worklist (PS3.4 Annex K): DCMTK's findscu -W
# against `dimse serve --worklist` and `dimse serve --demo`, and `dimse find
# --model mwl` against DCMTK's wlmscpfs, over 127.0.0.1.
# Usage: worklist-net.sh CHECK DIMSE
# Exit 0 pass, 1 fail, 77 skip (DCMTK missing).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

check=$1
dimse=$2

for tool in findscu dump2dcm dcmdump wlmscpfs; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool (DCMTK) is not installed"; exit 77; }
done

export TCP_NODELAY=1
net_init

# Starts `dimse serve` on a port the system picks, with the given options;
# sets serve_port and serve_pid, its output in $tmp/serve.out and .err.
# The line it prints once listening gives the port.
start_serve () {
  rm -f "$tmp/serve.out"
  "$dimse" serve --port 0 "$@" > "$tmp/serve.out" 2> "$tmp/serve.err" &
  serve_pid=$!
  pids+=("$serve_pid")
  for _ in $(seq 1 600); do
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

# ---- worklist items, made by dump2dcm from dump text ----
r=1.2.826.0.1.3680043.10.1247.600

# item DIR FILE PATIENT_ID NAME MODALITY STATION DATE TIME [CHARSET] [DUMP2DCM OPTIONS]
item () {
  local dir=$1 file=$2
  mkdir -p "$dir"
  {
    [ -n "${9:-}" ] && echo "(0008,0005) CS [$9]"
    echo "(0008,0050) SH [ACC-$3]"
    echo "(0008,0090) PN [WELBY^MARCUS]"
    printf '(0010,0010) PN [%s]\n' "$4"
    echo "(0010,0020) LO [$3]"
    echo "(0010,0030) DA [19700101]"
    echo "(0010,0040) CS [O]"
    echo "(0020,000d) UI [$r.${3#P}]"
    echo "(0032,1060) LO [$5 PROCEDURE]"
    echo "(0040,0100) SQ (Sequence with undefined length #=1)"
    echo "(fffe,e000) na (Item with undefined length #=8)"
    echo "(0008,0060) CS [$5]"
    echo "(0040,0001) AE [$6]"
    echo "(0040,0002) DA [$7]"
    echo "(0040,0003) TM [$8]"
    echo "(0040,0006) PN [SMITH^ANN]"
    echo "(0040,0007) LO [$5 STEP]"
    echo "(0040,0009) SH [SPS-$3]"
    echo "(0040,0010) SH [ROOM1]"
    echo "(fffe,e00d) na (ItemDelimitationItem)"
    echo "(fffe,e0dd) na (SequenceDelimitationItem)"
    echo "(0040,1001) SH [RP-$3]"
  } > "$tmp/$file.dump"
  # shellcheck disable=SC2086
  dump2dcm ${10:-} "$tmp/$file.dump" "$dir/$file" || fail "dump2dcm $file"
}

# Four scheduled steps; one a bare data set (dump2dcm -F), one in Latin-1.
make_worklist () {
  local dir=$1
  item "$dir" p1.wl P1 'DOE^JOHN' CT CT01 20260310 090000
  item "$dir" p2.wl P2 'DOE^JANE' MR MR01 20260310 100000 '' '-F +te'
  item "$dir" p3.wl P3 'ROE^RICHARD' CT CT02 20260312 080000
  item "$dir" p4.wl P4 $'M\xdcLLER^J\xdcRGEN' CR CR01 20260401 110000 'ISO_IR 100'
}

# findscu -W against dimse serve; $1 the matches wanted, the rest its keys.
# The responses go to $tmp/rsp/rsp*.dcm.
expect_findscu () {
  local want=$1 got
  shift
  rm -rf "$tmp/rsp"
  mkdir -p "$tmp/rsp"
  local keys=()
  for k in "$@"; do
    keys+=(-k "$k")
  done
  expect_exit 0 findscu -W -aet MODALITY -aec ARCHIVE -X -od "$tmp/rsp" "${keys[@]}" \
    127.0.0.1 "$serve_port"
  got=$(ls "$tmp/rsp" | grep -c '^rsp.*\.dcm$')
  [ "$got" -eq "$want" ] || { cat "$tmp/run.err"; fail "findscu -W $*: $got matches, expected $want"; }
}

# The values of a tag (a dcmdump search path) in the responses, sorted,
# joined by '|'.
rsp_values () {
  local f
  for f in "$tmp"/rsp/rsp*.dcm; do
    [ -e "$f" ] || continue
    dcmdump -q -s +P "$1" "$f" | sed -n 's/^ *([0-9a-f,]*) [A-Z][A-Z] \[\(.*\)\].*/\1/p'
  done | sort | paste -sd '|'
}

expect_rsp_values () {
  local got
  got=$(rsp_values "$1")
  [ "$got" = "$2" ] || fail "expected $1 values $2, got: $got"
}

# The Patient IDs `dimse find --model mwl` printed, sorted, joined by '|'.
find_patient_ids () {
  sed -n 's/^PatientID: \(.*\)$/\1/p' "$tmp/run.out" | sort | paste -sd '|'
}

spsq='ScheduledProcedureStepSequence'

case "$check" in
  findscu)
    make_worklist "$tmp/wl"
    printf 'not a data set' > "$tmp/wl/junk.wl"
    mkdir -p "$tmp/arch"
    start_serve --bind 127.0.0.1 --aet ARCHIVE --accept any --worklist "$tmp/wl" "$tmp/arch"
    grep -q "^Modality Worklist: 4 items from " "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "the listening lines do not count the worklist"; }
    # by Scheduled Station AE Title, as a modality asks for its own steps
    expect_findscu 1 PatientID PatientName "$spsq[0].ScheduledStationAETitle=CT01" \
      "$spsq[0].Modality"
    expect_rsp_values 0010,0020 'P1'
    expect_rsp_values 0008,0060 'CT'
    # by date, a single date and a range
    expect_findscu 2 PatientID "$spsq[0].ScheduledProcedureStepStartDate=20260310"
    expect_rsp_values 0010,0020 'P1|P2'
    expect_findscu 2 PatientID "$spsq[0].ScheduledProcedureStepStartDate=20260311-20260430"
    expect_rsp_values 0010,0020 'P3|P4'
    # by modality and a wildcard patient name together
    expect_findscu 1 PatientID 'PatientName=DOE*' "$spsq[0].Modality=MR"
    expect_rsp_values 0010,0020 'P2'
    # return keys only: no Accession Number unless asked for
    expect_findscu 1 PatientID "$spsq[0].ScheduledStationAETitle=CR01"
    [ -z "$(rsp_values 0008,0050)" ] || fail "a key not asked for came back"
    # the Latin-1 name with its character set
    expect_findscu 1 PatientName SpecificCharacterSet "$spsq[0].Modality=CR"
    expect_rsp_values 0008,0005 'ISO_IR 100'
    # no match
    expect_findscu 0 PatientID "$spsq[0].ScheduledStationAETitle=US01"
    # a step added to the folder shows in the next query
    item "$tmp/wl" p5.wl P5 'POE^EDGAR' CT CT01 20260310 120000
    expect_findscu 2 PatientID "$spsq[0].ScheduledStationAETitle=CT01"
    expect_rsp_values 0010,0020 'P1|P5'
    grep -q "^C-FIND from MODALITY: .*(0x0000)$" "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "dimse serve did not print the C-FINDs"; }
    # a malformed date: A900
    run findscu -v -W -aet MODALITY -aec ARCHIVE -k PatientID \
      -k "$spsq[0].ScheduledProcedureStepStartDate=2026031x" 127.0.0.1 "$serve_port"
    grep -q "DataSetDoesNotMatchSOPClass" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "findscu did not get A900"; }
    stop_serve
    ;;
  demo)
    start_serve --demo --demo-dir "$tmp/demo"
    grep -q "^Modality Worklist: 12 demo items for today$" "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "the demo serves no worklist"; }
    today=$(date +%Y%m%d)
    expect_exit 0 "$dimse" find --model mwl -k PatientID -k PatientName \
      -k "$spsq.ScheduledProcedureStepStartDate=$today" -k "$spsq.ScheduledStationAETitle" \
      "DIMSEBENCH@127.0.0.1:$serve_port"
    n=$(grep -c '^PatientID: ' "$tmp/run.out")
    [ "$n" -eq 12 ] || { cat "$tmp/run.out"; fail "$n demo items for today, expected 12"; }
    # the patients are the demo archive's
    expect_exit 0 "$dimse" find --model mwl -k PatientID -k "$spsq.ScheduledStationAETitle=MR01" \
      "DIMSEBENCH@127.0.0.1:$serve_port"
    ids=$(find_patient_ids)
    [ "$(echo "$ids" | tr '|' '\n' | wc -l)" -eq 2 ] || fail "MR01: $ids"
    first=${ids%%|*}
    expect_exit 0 "$dimse" find --model patient --level PATIENT -k "PatientID=$first" \
      "DIMSEBENCH@127.0.0.1:$serve_port"
    grep -q "^PatientID: $first$" "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "the worklist's $first is not a patient of the archive"; }
    # and DCMTK's findscu asks the same by station and date
    expect_findscu_demo () {
      rm -rf "$tmp/rsp"
      mkdir -p "$tmp/rsp"
      expect_exit 0 findscu -W -aet CT01 -aec DIMSEBENCH -X -od "$tmp/rsp" -k PatientID \
        -k "$spsq[0].ScheduledStationAETitle=CT01" \
        -k "$spsq[0].ScheduledProcedureStepStartDate=$today" 127.0.0.1 "$serve_port"
    }
    expect_findscu_demo
    [ "$(ls "$tmp/rsp" | grep -c '^rsp.*\.dcm$')" -eq 2 ] || fail "CT01 today: not 2 steps"
    stop_serve
    # --worklist replaces the demo's
    make_worklist "$tmp/wl"
    start_serve --demo --demo-dir "$tmp/demo" --worklist "$tmp/wl"
    grep -q "^Modality Worklist: 4 items from " "$tmp/serve.out" \
      || { cat "$tmp/serve.out"; fail "--worklist did not replace the demo worklist"; }
    stop_serve
    # a folder that does not exist
    mkdir -p "$tmp/arch"
    expect_exit 2 "$dimse" serve --port 0 --bind 127.0.0.1 --worklist "$tmp/none" "$tmp/arch"
    ;;
  wlmscpfs)
    # wlmscpfs serves DIR/<called AE title>/*.wl, the folder marked by a lockfile
    make_worklist "$tmp/wlm/WLMSCP"
    touch "$tmp/wlm/WLMSCP/lockfile"
    for _ in 1 2 3 4 5; do
      wlm_port=$(free_port) || fail "no free port"
      wlmscpfs -dfp "$tmp/wlm" "$wlm_port" > "$tmp/wlmscpfs.log" 2>&1 &
      wlm_pid=$!
      pids+=("$wlm_pid")
      wait_for_port "$wlm_port" "$wlm_pid" && break
      wlm_port=
    done
    [ -n "$wlm_port" ] || { cat "$tmp/wlmscpfs.log"; fail "wlmscpfs did not start"; }
    # (wlmscpfs matches AE titles and modalities by single value only)
    expect_exit 0 "$dimse" find --model mwl --aet FINDSCU -k PatientID -k PatientName \
      -k "$spsq.Modality=CT" -k "$spsq.ScheduledStationAETitle" "WLMSCP@127.0.0.1:$wlm_port"
    [ "$(find_patient_ids)" = 'P1|P3' ] || { cat "$tmp/run.out" "$tmp/run.err"; fail "CT: $(find_patient_ids)"; }
    grep -q '^    ScheduledStationAETitle: CT02$' "$tmp/run.out" \
      || { cat "$tmp/run.out"; fail "no Scheduled Station AE Title in the step"; }
    expect_exit 0 "$dimse" find --model mwl --aet FINDSCU -k PatientID \
      -k "$spsq.ScheduledStationAETitle=MR01" "WLMSCP@127.0.0.1:$wlm_port"
    [ "$(find_patient_ids)" = 'P2' ] || { cat "$tmp/run.out"; fail "MR01: $(find_patient_ids)"; }
    expect_exit 0 "$dimse" find --model mwl --aet FINDSCU -k PatientID \
      -k "$spsq.ScheduledProcedureStepStartDate=20260310" "WLMSCP@127.0.0.1:$wlm_port"
    [ "$(find_patient_ids)" = 'P1|P2' ] || { cat "$tmp/run.out"; fail "20260310: $(find_patient_ids)"; }
    expect_exit 0 "$dimse" find --model mwl --aet FINDSCU -k PatientID -k 'PatientName=DOE*' \
      "WLMSCP@127.0.0.1:$wlm_port"
    [ "$(find_patient_ids)" = 'P1|P2' ] || { cat "$tmp/run.out"; fail "DOE*: $(find_patient_ids)"; }
    grep -q "# Match 2" "$tmp/run.out" || fail "dimse find printed no second match"
    ;;
  *)
    fail "unknown check $check"
    ;;
esac
echo "PASS: $check"
