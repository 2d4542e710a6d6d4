#!/bin/bash
# bench/wado.sh BUILDDIR [WORKDIR] — WADO-RS retrieve throughput of
# `dimse wado` from Orthanc (with its DICOMweb plugin) and from `dimse serve
# --http-port`, beside a C-GET (`dimse get`) of the same study from the same
# server kind, in the same run, on the same generated data, over free
# loopback ports.
#
# The data: one study of N_INSTANCES (default 500) CT instances of ROWS×COLS
# (default 256×256) 16-bit pixels, and a second folder with a fifth of them,
# so that the client's peak RSS can be compared across study sizes (it
# must not grow with the study: each part goes to its file as it arrives).
# Orthanc gets the study through STOW-RS (`dimse stow`, timed too).
# Each row is the best of RUNS runs (default 3); the time is the client
# process's wall clock; peak RSS from /usr/bin/time -v. MB is 10^6 bytes
# of Part 10 files. Data lives on /dev/shm (WORKDIR overrides).
set -euo pipefail

name=bench/wado.sh
builddir=${1:?usage: bench/wado.sh BUILDDIR [WORKDIR]}
data=${2:-/dev/shm/dimsebench-wado}
n_instances=${N_INSTANCES:-500}
rows=${ROWS:-256}
cols=${COLS:-256}
runs=${RUNS:-3}
step_timeout=${STEP_TIMEOUT:-600}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/qr-lib.sh
source "$here/qr-lib.sh"
qr_init Orthanc
plugin=
for p in /usr/share/orthanc/plugins/libOrthancDicomWeb.so /usr/lib/orthanc/libOrthancDicomWeb.so*; do
  [ -e "$p" ] && { plugin=$p; break; }
done
[ -n "$plugin" ] || fail "Orthanc's DICOMweb plugin is not installed (orthanc-dicomweb)"
"$dimse" serve --help | grep -q -- --http-port || fail "this build's dimse serve has no --http-port"

# The Study Instance UID gen-studies gives its "study" mode (bench/gen-studies.c).
study_uid=2.25.323828335307601784792051035066120969589.9.4.0
small=$((n_instances / 5))

declare -A secs client_rss server_rss n_of

start_orthanc () {
  local http_port=$1 dicom_port=$2
  cat >"$work/orthanc.json" <<JSON
{
  "Name": "DIMSEBENCH-WADO-BENCH",
  "StorageDirectory": "$work/orthanc-db",
  "IndexDirectory": "$work/orthanc-db",
  "HttpPort": $http_port, "DicomPort": $dicom_port, "DicomAet": "ORTHANC",
  "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
  "HttpCompressionEnabled": false, "DicomCheckCalledAet": false,
  "DicomAlwaysAllowGet": true, "DicomAlwaysAllowStore": true,
  "Plugins": ["$plugin"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" }
}
JSON
  start_server orthanc ORTHANC "$dicom_port" timeout "$step_timeout" Orthanc "$work/orthanc.json"
}

start_serve () {
  local folder=$1 http_port=$2 dicom_port=$3
  start_server serve DIMSEBENCH "$dicom_port" timeout "$step_timeout" "$dimse" serve \
    --bind "$host" --port "$dicom_port" --http-port "$http_port" --accept any "$folder"
}

# client KEY N CMD… — one timed run of a retrieving client into $work/in.
client () {
  local key=$1 n=$2 start t got
  shift 2
  rm -rf "$work/in"
  mkdir -p "$work/in"
  start=$(date +%s%N)
  /usr/bin/time -v -o "$work/client.time" timeout "$step_timeout" "$@" \
    >/dev/null 2>"$work/stderr.txt" || fail "$key failed or timed out"
  t=$(seconds_since "$start")
  got=$(find "$work/in" -type f -name '*.dcm' | wc -l)
  [ "$got" -eq "$n" ] || fail "$key: $got of $n instances arrived"
  keep "$key" "$t"
  keep_rss client_rss "$key" "$work/client.time"
  n_of[$key]=$n
}

wado () { client "$1" "$3" "$dimse" wado -k "StudyInstanceUID=$study_uid" --out "$work/in" "$2"; }
cget () { client "$1" "$3" "$dimse" get --aet GETSCU --out "$work/in" -k "StudyInstanceUID=$study_uid" "$2"; }

echo "Making the data in $data (kept between runs) …"
make_data study "$data/study" "$n_instances" "$rows" "$cols"
make_data study "$data/small" "$small" "$rows" "$cols"
total=$(find "$data/study" -name 'f*.dcm' -printf '%s\n' | awk '{ s += $1 } END { print s }')

for ((run = 0; run < runs; run++)); do
  http_port=$(free_port)
  dicom_port=$(free_port)
  rm -rf "$work/orthanc-db"
  start_orthanc "$http_port" "$dicom_port"
  start=$(date +%s%N)
  "$dimse" stow "http://$host:$http_port/dicom-web" "$data/study" >/dev/null 2>"$work/stderr.txt" \
    || fail "STOW-RS to Orthanc failed"
  keep stow,orthanc "$(seconds_since "$start")"
  wado wado,orthanc "http://$host:$http_port/dicom-web" "$n_instances"
  cget get,orthanc "ORTHANC@$host:$dicom_port" "$n_instances"
  stop_servers ORTHANC "$dicom_port"
  keep_rss server_rss orthanc "$work/orthanc.time"

  for size in study small; do
    http_port=$(free_port)
    dicom_port=$(free_port)
    n=$n_instances
    [ "$size" = small ] && n=$small
    start_serve "$data/$size" "$http_port" "$dicom_port"
    wado "wado,serve-$size" "http://$host:$http_port/dicom-web" "$n"
    cget "get,serve-$size" "DIMSEBENCH@$host:$dicom_port" "$n"
    stop_servers DIMSEBENCH "$dicom_port"
    keep_rss server_rss "serve-$size" "$work/serve.time"
  done
done

row () { printf "  %-30s %-14s %6s %9s %8s %8s %14s\n" "$@"; }
line () {
  local key=$1 label=$2 server=$3
  row "$label" "$server" "${n_of[$key]}" "${secs[$key]}" \
    "$(awk -v n="${n_of[$key]}" -v t="${secs[$key]}" 'BEGIN { printf "%.0f", n / t }')" \
    "$(awk -v b="$total" -v n="${n_of[$key]}" -v all="$n_instances" -v t="${secs[$key]}" \
       'BEGIN { printf "%.1f", b * n / all / 1e6 / t }')" "${client_rss[$key]}"
}

avg=$(awk -v b="$total" -v n="$n_instances" 'BEGIN { printf "%.0f", b / n / 1024 }')
echo "Orthanc $(Orthanc --version 2>/dev/null | head -1 | awk '{ print $NF }'), its DICOMweb plugin; best of $runs runs"
echo "Retrieve of a study of $n_instances instances of $avg KB ($total bytes in all)"
row client server inst seconds "inst/s" "MB/s" "client RSS MB"
line wado,orthanc "dimse wado (WADO-RS)" Orthanc
line get,orthanc "dimse get (C-GET)" Orthanc
line wado,serve-study "dimse wado (WADO-RS)" "dimse serve"
line get,serve-study "dimse get (C-GET)" "dimse serve"
line wado,serve-small "dimse wado, a fifth of it" "dimse serve"
line get,serve-small "dimse get, a fifth of it" "dimse serve"
echo
echo "Peak RSS of the servers (MB): Orthanc ${server_rss[orthanc]}, dimse serve ${server_rss[serve-study]}" \
  "(${server_rss[serve-small]} for a fifth)"
printf "STOW-RS of the study to Orthanc (dimse stow): %.2f s, %.0f inst/s\n" "${secs[stow,orthanc]}" \
  "$(awk -v n="$n_instances" -v t="${secs[stow,orthanc]}" 'BEGIN { print n / t }')"
echo
echo "Ratios of throughput"
ratio "WADO-RS / C-GET, from Orthanc" "${secs[wado,orthanc]}" "${secs[get,orthanc]}"
ratio "WADO-RS / C-GET, from dimse serve" "${secs[wado,serve-study]}" "${secs[get,serve-study]}"
ratio "WADO-RS from dimse serve / from Orthanc" "${secs[wado,serve-study]}" "${secs[wado,orthanc]}"
awk -v a="${client_rss[wado,serve-small]}" -v b="${client_rss[wado,serve-study]}" -v s="$small" -v n="$n_instances" \
  'BEGIN { printf "  dimse wado peak RSS: %.1f MB for %d instances, %.1f MB for %d (%+.1f MB)\n", a, s, b, n, b - a }'
