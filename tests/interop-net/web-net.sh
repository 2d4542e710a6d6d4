#!/usr/bin/env bash
# DICOMweb interop of `dimse stow`, `dimse qido` and `dimse wado` with Orthanc
# and its DICOMweb plugin (Debian's orthanc and orthanc-dicomweb), started on
# 127.0.0.1 with a generated configuration; QIDO-RS answers are compared with
# a C-FIND of the same keys to Orthanc's DICOM port.
# Usage: web-net.sh CHECK DIMSE (check self: the same searches of Orthanc and
# of `dimse serve --http-port` give the same matches)
# Exit 0 pass, 1 fail, 77 skip (Orthanc, its DICOMweb plugin or DCMTK missing).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

check=$1
dimse=$2

for tool in Orthanc dump2dcm dcmdump python3; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
plugin=
for p in /usr/share/orthanc/plugins/libOrthancDicomWeb.so /usr/lib/orthanc/libOrthancDicomWeb.so*; do
  [ -e "$p" ] && { plugin=$p; break; }
done
[ -n "$plugin" ] || { echo "SKIP: Orthanc's DICOMweb plugin (orthanc-dicomweb) is not installed"; exit 77; }

export TCP_NODELAY=1
net_init

run () {
  timeout 120 "$@" > "$tmp/run.out" 2> "$tmp/run.err"
}

# Starts Orthanc with its DICOMweb plugin on free ports of 127.0.0.1; sets
# base (the DICOMweb base URL) and dicom_port. $1 "auth" turns on HTTP
# basic authentication for the user alice, password "wonderland".
start_orthanc () {
  local auth=false users='{}' http_port
  if [ "${1:-}" = auth ]; then
    auth=true
    users='{ "alice": "wonderland" }'
  fi
  for _ in 1 2 3 4 5; do
    http_port=$(free_port) || fail "no free port"
    dicom_port=$(free_port) || fail "no free port"
    rm -rf "$tmp/orthanc-db"
    cat > "$tmp/orthanc.json" <<JSON
{
  "Name": "DIMSEBENCH-WEB-TEST",
  "StorageDirectory": "$tmp/orthanc-db",
  "IndexDirectory": "$tmp/orthanc-db",
  "HttpPort": $http_port,
  "DicomPort": $dicom_port,
  "DicomAet": "ORTHANC",
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": $auth,
  "RegisteredUsers": $users,
  "HttpCompressionEnabled": false,
  "DicomCheckCalledAet": false,
  "DicomAlwaysAllowFind": true,
  "DicomAlwaysAllowGet": true,
  "DicomAlwaysAllowStore": true,
  "Plugins": ["$plugin"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
    Orthanc "$tmp/orthanc.json" > "$tmp/orthanc.log" 2>&1 &
    orthanc_pid=$!
    pids+=("$orthanc_pid")
    base="http://127.0.0.1:$http_port/dicom-web"
    for _ in $(seq 1 150); do
      if (exec 3<> "/dev/tcp/127.0.0.1/$http_port") 2> /dev/null \
         && (exec 3<> "/dev/tcp/127.0.0.1/$dicom_port") 2> /dev/null; then
        return 0
      fi
      kill -0 "$orthanc_pid" 2> /dev/null || break
      sleep 0.1
    done
    kill "$orthanc_pid" 2> /dev/null
    wait "$orthanc_pid" 2> /dev/null
  done
  cat "$tmp/orthanc.log"
  fail "Orthanc did not start"
}

# ---- the study sent: three patients (one named in Latin-1), three
# studies, four series, six images ----
r=1.2.826.0.1.3680043.10.1247.410

# instance N NAME PATIENT_ID STUDY DATE SERIES MODALITY SERIES_NUMBER IMAGE [CHARSET]
instance () {
  {
    [ -n "${10:-}" ] && echo "(0008,0005) CS [${10}]"
    echo "(0008,0016) UI =SecondaryCaptureImageStorage"
    echo "(0008,0018) UI [$r.$9]"
    echo "(0008,0020) DA [$5]"
    echo "(0008,0030) TM [101500]"
    echo "(0008,0050) SH [ACC$4]"
    echo "(0008,0060) CS [$7]"
    echo "(0008,1030) LO [Study $4]"
    printf '(0010,0010) PN [%s]\n' "$2"
    echo "(0010,0020) LO [$3]"
    echo "(0020,000d) UI [$r.$4]"
    echo "(0020,000e) UI [$r.$6]"
    echo "(0020,0010) SH [$4]"
    echo "(0020,0011) IS [$8]"
    echo "(0020,0013) IS [${9##*.}]"
    echo "(0028,0002) US 1"
    echo "(0028,0004) CS [MONOCHROME2]"
    echo "(0028,0010) US 4"
    echo "(0028,0011) US 4"
    echo "(0028,0100) US 16"
    echo "(0028,0101) US 12"
    echo "(0028,0102) US 11"
    echo "(0028,0103) US 0"
    echo "(7fe0,0010) OW 0001\\0002\\0003\\0004\\0005\\0006\\0007\\0008\\0009\\000a\\000b\\000c\\000d\\000e\\000f\\0010"
  } > "$tmp/$1.dump"
  dump2dcm +te "$tmp/$1.dump" "$tmp/data/$1.dcm" || fail "dump2dcm $1"
}

make_data () {
  mkdir -p "$tmp/data"
  instance 1 'DOE^JOHN' P1 1 20200315 1.1 MR 1 1.1.1
  instance 2 'DOE^JOHN' P1 1 20200315 1.1 MR 1 1.1.2
  instance 3 'DOE^JOHN' P1 1 20200315 1.2 CT 2 1.2.1
  instance 4 'DOE^JANE' P3 3 20201120 3.1 CT 1 3.1.1
  instance 5 $'M\xdcLLER^J\xdcRGEN' P2 2 20210610 2.1 MR 1 2.1.1 'ISO_IR 100'
  instance 6 'DOE^JOHN' P1 1 20200315 1.1 MR 1 1.1.3
}

stow_data () {
  expect_exit 0 "$dimse" stow "$base" "$tmp/data"
  grep -q "6 of 6 files stored" "$tmp/run.err" || { cat "$tmp/run.err"; fail "stow did not store 6 files"; }
}

# The sorted values of tag (8 hex digits) in a JSON array of DICOM JSON.
json_values () {
  python3 -c '
import json, sys
tag = sys.argv[2].upper()
values = []
for ds in json.load(open(sys.argv[1])):
    for key, el in ds.items():
        if key.upper() == tag:
            values += [str(v) for v in el.get("Value", [])]
print("\n".join(sorted(values)))
' "$1" "$2"
}

# compare_search LEVEL UIDTAG KEY=VALUE…: `dimse qido` and `dimse find`
# (study root, to Orthanc's DICOM port) give the same matches.
compare_search () {
  local level=$1 tag=$2 keys=() k
  shift 2
  for k in "$@"; do
    keys+=(-k "$k")
  done
  expect_exit 0 "$dimse" qido --json --level "$level" "${keys[@]}" "$base"
  cp "$tmp/run.out" "$tmp/qido.json"
  expect_exit 0 "$dimse" find --json --aet DIMSEBENCH --level "$level" "${keys[@]}" \
    -k "$(key_of "$tag")" "ORTHANC@127.0.0.1:$dicom_port"
  cp "$tmp/run.out" "$tmp/find.json"
  json_values "$tmp/qido.json" "$tag" > "$tmp/qido.uids"
  json_values "$tmp/find.json" "$tag" > "$tmp/find.uids"
  [ -s "$tmp/find.uids" ] || fail "C-FIND $level $* matched nothing"
  diff -u "$tmp/find.uids" "$tmp/qido.uids" \
    || fail "QIDO-RS and C-FIND differ at $level for $*"
  echo "$level $*: $(wc -l < "$tmp/qido.uids") matches, the same as C-FIND"
}

key_of () {
  case $1 in
    0020000D) echo StudyInstanceUID ;;
    0020000E) echo SeriesInstanceUID ;;
    00080018) echo SOPInstanceUID ;;
  esac
}

# Each file of the study $2 came out in $1 as <SOP Instance UID>.dcm with
# the same elements and values (dcmdump of the data set, meta group aside).
compare_files () {
  local out=$1 n=$2 f uid got
  [ "$(ls -A "$out" | wc -l)" -eq "$n" ] || { ls -A "$out"; fail "$out holds not $n files"; }
  for got in "$out"/*.dcm; do
    uid=$(basename "$got" .dcm)
    f=$(grep -l "\[$uid\]" "$tmp"/*.dump | head -n 1)
    [ -n "$f" ] || fail "$got is no instance that was sent"
    f="$tmp/data/$(basename "$f" .dump).dcm"
    cmp <(dcmdump -q +L "$f" | grep -av '^(0002,') <(dcmdump -q +L "$got" | grep -av '^(0002,') \
      || fail "$got differs from $f"
  done
  echo "$n instances retrieved, equal element by element to the originals"
}

# Starts `dimse serve` on an empty archive folder with DICOMweb on a port
# the system picks; sets our_base.
start_serve () {
  mkdir -p "$tmp/ours"
  rm -f "$tmp/serve.out"   # not an earlier serve's line
  "$dimse" serve --port 0 --bind 127.0.0.1 --http-port 0 --accept any "$tmp/ours" \
    > "$tmp/serve.out" 2> "$tmp/serve.err" &
  pids+=($!)
  for _ in $(seq 1 200); do
    our_base=$(sed -n 's/^DICOMweb on \(http:[^ ]*\)$/\1/p' "$tmp/serve.out")
    [ -n "$our_base" ] && return 0
    kill -0 "${pids[-1]}" 2> /dev/null || break
    sleep 0.1
  done
  cat "$tmp/serve.out" "$tmp/serve.err"
  fail "dimse serve --http-port did not start"
}

# same_search LEVEL UIDTAG KEY=VALUE…: Orthanc and `dimse serve` answer a
# QIDO-RS search with the same matches.
same_search () {
  local level=$1 tag=$2 keys=() k
  shift 2
  for k in "$@"; do
    keys+=(-k "$k")
  done
  expect_exit 0 "$dimse" qido --json --level "$level" "${keys[@]}" "$base"
  json_values "$tmp/run.out" "$tag" > "$tmp/orthanc.uids"
  expect_exit 0 "$dimse" qido --json --level "$level" "${keys[@]}" "$our_base"
  json_values "$tmp/run.out" "$tag" > "$tmp/ours.uids"
  [ -s "$tmp/orthanc.uids" ] || fail "Orthanc matched nothing at $level for $*"
  diff -u "$tmp/orthanc.uids" "$tmp/ours.uids" || fail "Orthanc and dimse serve differ at $level for $*"
  echo "$level $*: $(wc -l < "$tmp/ours.uids") matches from both servers"
}

case $check in
  self)
    make_data
    start_orthanc
    stow_data
    start_serve
    expect_exit 0 "$dimse" stow "$our_base" "$tmp/data"
    grep -q "6 of 6 files stored" "$tmp/run.err" || { cat "$tmp/run.err"; fail "dimse serve did not store 6 files"; }
    same_search STUDY 0020000D 'PatientName=DOE*'
    same_search STUDY 0020000D 'StudyDate=20200101-20201231'
    same_search STUDY 0020000D 'ModalitiesInStudy=CT'
    same_search SERIES 0020000E "StudyInstanceUID=$r.1"
    same_search SERIES 0020000E 'Modality=CT'
    same_search IMAGE 00080018 "StudyInstanceUID=$r.1" "SeriesInstanceUID=$r.1.1"
    same_search IMAGE 00080018 'PatientID=P1'
    expect_exit 0 "$dimse" wado -k "StudyInstanceUID=$r.1" --out "$tmp/study" "$our_base"
    compare_files "$tmp/study" 4
    ;;
  stow-qido-find)
    make_data
    start_orthanc
    stow_data
    compare_search STUDY 0020000D 'PatientName=DOE*'
    compare_search STUDY 0020000D 'StudyDate=20200101-20201231'
    compare_search STUDY 0020000D 'PatientID=P2'
    compare_search STUDY 0020000D 'ModalitiesInStudy=CT'
    compare_search SERIES 0020000E "StudyInstanceUID=$r.1"
    compare_search SERIES 0020000E "StudyInstanceUID=$r.1" 'Modality=MR'
    compare_search IMAGE 00080018 "StudyInstanceUID=$r.1" "SeriesInstanceUID=$r.1.1"
    compare_search IMAGE 00080018 "StudyInstanceUID=$r.1" "SeriesInstanceUID=$r.1.1" \
      'InstanceNumber=2'
    # The matches of a search paged two at a time are those of one search.
    expect_exit 0 "$dimse" qido --json --limit 2 --level IMAGE -k "StudyInstanceUID=$r.1" \
      -k "SeriesInstanceUID=$r.1.1" "$base"
    json_values "$tmp/run.out" 00080018 > "$tmp/paged.uids"
    [ "$(wc -l < "$tmp/paged.uids")" -eq 3 ] || fail "paging by 2 gave $(wc -l < "$tmp/paged.uids") matches, not 3"
    # Non-ASCII values come back in UTF-8.
    expect_exit 0 "$dimse" qido --level STUDY -k PatientID=P2 -k PatientName "$base"
    grep -q "MÜLLER^JÜRGEN" "$tmp/run.out" || { cat "$tmp/run.out"; fail "the Latin-1 name did not come back"; }
    ;;
  wado)
    make_data
    start_orthanc
    stow_data
    expect_exit 0 "$dimse" wado -k "StudyInstanceUID=$r.1" --out "$tmp/study" "$base"
    grep -q "4 instances" "$tmp/run.err" || { cat "$tmp/run.err"; fail "not 4 instances"; }
    compare_files "$tmp/study" 4
    expect_exit 0 "$dimse" wado --level SERIES -k "StudyInstanceUID=$r.1" \
      -k "SeriesInstanceUID=$r.1.2" --out "$tmp/series" "$base"
    compare_files "$tmp/series" 1
    expect_exit 0 "$dimse" wado -k "StudyInstanceUID=$r.2" -k "SeriesInstanceUID=$r.2.1" \
      -k "SOPInstanceUID=$r.2.1.1" --out "$tmp/instance" "$base"
    compare_files "$tmp/instance" 1
    expect_exit 0 "$dimse" wado --metadata -k "StudyInstanceUID=$r.1" "$base"
    [ "$(json_values "$tmp/run.out" 00080018 | wc -l)" -eq 4 ] || fail "metadata of not 4 instances"
    # A study the server does not have: 404 in words, no file.
    expect_exit 2 "$dimse" wado -k "StudyInstanceUID=$r.99" --out "$tmp/none" "$base"
    grep -q "404" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no 404 said"; }
    [ -z "$(ls -A "$tmp/none")" ] || fail "a file was left for a study not found"
    ;;
  unauthorized)
    make_data
    start_orthanc auth
    expect_exit 3 "$dimse" qido "$base"
    grep -q "401" "$tmp/run.err" && grep -q "credentials" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "the 401 was not said in words"; }
    DIMSE_WEB_PASSWORD=wrong expect_exit 3 "$dimse" stow --user alice "$base" "$tmp/data"
    DIMSE_WEB_PASSWORD=wonderland expect_exit 0 "$dimse" stow -v --user alice "$base" "$tmp/data"
    # -v: the line of each request as before, then the request sent (its
    # body's size, the credentials hidden) and the headers Orthanc answered.
    grep -Eq "^POST $base/studies → 200, [0-9]+ bytes, " "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "stow -v did not print the request's line"; }
    grep -q "^  > POST /dicom-web/studies HTTP/1.1$" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "stow -v did not print the request line"; }
    grep -Eq '^  > \(request body: [1-9][0-9]* bytes sent\)$' "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "stow -v did not say how many bytes it sent"; }
    grep -q "^  < HTTP/1.1 200 " "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "stow -v did not print the status line"; }
    # Orthanc 1.10 sends no Server header; its Content-Type and Keep-Alive
    # are what it answers with. A Server header, when sent, must name it.
    grep -q '^  < Content-Type: application/dicom+json$' "$tmp/run.err" \
      && grep -q '^  < Keep-Alive: ' "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "stow -v did not print Orthanc's response headers"; }
    ! grep -i '^  < Server: ' "$tmp/run.err" | grep -viq orthanc \
      || { cat "$tmp/run.err"; fail "stow -v printed a Server header that is not Orthanc's"; }
    grep -q "^  > Authorization: (hidden)$" "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "stow -v did not show the Authorization header hidden"; }
    ! grep -Eq 'wonderland|YWxpY2U6d29uZGVybGFuZA' "$tmp/run.err" \
      || { cat "$tmp/run.err"; fail "stow -v printed the credentials"; }
    DIMSE_WEB_PASSWORD=wonderland expect_exit 0 "$dimse" qido --user alice -k PatientID=P1 "$base"
    grep -q "1 matches" "$tmp/run.err" || { cat "$tmp/run.err"; fail "not 1 match with credentials"; }
    ;;
  unreachable)
    port=$(free_port) || fail "no free port"
    expect_exit 3 "$dimse" qido "http://127.0.0.1:$port/dicom-web"
    grep -q "Cannot reach" "$tmp/run.err" || { cat "$tmp/run.err"; fail "not said in words"; }
    ;;
  *)
    echo "unknown check $check"
    exit 2
    ;;
esac
echo "PASS: $check"
