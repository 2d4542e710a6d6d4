#!/bin/bash
# bench/parse.sh BUILDDIR [WORKDIR] — times `dimse dump` against DCMTK's
# dcmdump over the same folders of Part 10 files, in the same run.
#
#   small: 2,000 CT-like headers (32×32 16-bit pixel data, ~4 KB each)
#   large: 20 files with 20 MB of pixel data each
#
# Both tools print every element to /dev/null. Like for like:
#   - "lazy" rows: neither loads long values. dcmdump -M leaves values over
#     4 KiB (+R default) unloaded; dimse dump by default leaves values of
#     64 KiB or more in the file.
#   - "load all" rows: dcmdump +M (its default) loads every value; dimse dump
#     --no-bulk does too.
# Each row is the best of RUNS runs (default 3); peak RSS from /usr/bin/time.
# Files are made on /dev/shm (WORKDIR overrides) with dump2dcm and kept
# between runs of the script (delete the folder to make them anew).
set -euo pipefail

builddir=${1:?usage: bench/parse.sh BUILDDIR [WORKDIR]}
here=$(cd "$(dirname "$0")" && pwd)
work=${2:-/dev/shm/dimsebench-parse}
runs=${RUNS:-3}
dimse=$builddir/src/cli/dimse
n_small=${N_SMALL:-2000}
n_large=${N_LARGE:-20}

for tool in "$dimse" dump2dcm dcmdump /usr/bin/time /usr/bin/python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench/parse.sh: $tool not found (build first; install dcmtk, time)" >&2
    exit 2
  fi
done

# make_folder DIR COUNT ROWS COLS — COUNT files from ct-header.dump with
# the given matrix and distinct SOP Instance UIDs, pixel data appended as the
# last element (explicit VR little endian, no group lengths, so appending is
# a valid encoding).
make_folder () {
  local dir=$1 count=$2 rows=$3 cols=$4
  [ -f "$dir/.complete" ] && return 0
  rm -rf "$dir"; mkdir -p "$dir"
  sed -e "s/^(0028,0010) US .*/(0028,0010) US $rows/" \
      -e "s/^(0028,0011) US .*/(0028,0011) US $cols/" \
      "$here/ct-header.dump" >"$dir/header.dump"
  dump2dcm -q +te "$dir/header.dump" "$dir/header.dcm"
  /usr/bin/python3 - "$dir" "$count" "$rows" "$cols" <<'PY'
import os, struct, sys
folder, count, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
header = open(os.path.join(folder, "header.dcm"), "rb").read()
length = rows * cols * 2
pixels = (bytes(range(256)) * (length // 256 + 1))[:length]
element = struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, length)
# The template's SOP Instance UID has a 7-digit last component, so each
# replacement keeps every length (meta group length included) unchanged.
uid = b"1.2.826.0.1.3680043.10.1247.100.1000000"
for i in range(count):
    new_uid = ("1.2.826.0.1.3680043.10.1247.100.%07d" % (1000000 + i)).encode()
    data = header.replace(uid, new_uid)
    with open(os.path.join(folder, "f%05d.dcm" % i), "wb") as f:
        f.write(data)
        f.write(element)
        f.write(pixels)
PY
  rm -f "$dir/header.dump" "$dir/header.dcm"
  touch "$dir/.complete"
}

# time_best LABEL CMD… — runs CMD (stdout to /dev/null) RUNS times; sets
# best_s and best_rss_kb.
time_best () {
  local i t rss start end
  best_s="" best_rss_kb=0
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || {
      echo "bench/parse.sh: $1 $2 … failed:" >&2; head -5 "$work/stderr.txt" >&2; exit 1; }
    end=$(date +%s%N)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    read -r rss <"$work/time.txt"
    if [ -z "$best_s" ] || awk "BEGIN{exit !($t < $best_s)}"; then best_s=$t; fi
    if [ "$rss" -gt "$best_rss_kb" ]; then best_rss_kb=$rss; fi
  done
}

report_header () {
  printf "%-9s %-9s %-10s %9s %9s %10s %11s\n" set mode tool seconds MB/s files/s "peak RSS MB"
}

report () {
  local set=$1 mode=$2 tool=$3 bytes=$4 files=$5
  awk -v s="$set" -v m="$mode" -v tool="$tool" -v t="$best_s" -v b="$bytes" -v n="$files" -v r="$best_rss_kb" \
    'BEGIN { if (t <= 0) t = 0.005;
             printf "%-9s %-9s %-10s %9.2f %9.1f %10.0f %11.1f\n", s, m, tool, t, b / 1e6 / t, n / t, r / 1024 }'
}

compare () {
  local set=$1 dir=$2 mode=$3 dimse_opts=$4 dcmdump_opts=$5
  local files bytes dimse_s dcmdump_s
  files=$(find "$dir" -name '*.dcm' | wc -l)
  bytes=$(du -sb --apparent-size "$dir" | cut -f1)
  # shellcheck disable=SC2086
  time_best "$dimse" dump $dimse_opts "$dir"/*.dcm
  dimse_s=$best_s
  report "$set" "$mode" "dimse" "$bytes" "$files"
  # shellcheck disable=SC2086
  time_best dcmdump $dcmdump_opts "$dir"/*.dcm
  dcmdump_s=$best_s
  report "$set" "$mode" "dcmdump" "$bytes" "$files"
  awk -v a="$dcmdump_s" -v b="$dimse_s" -v s="$set" -v m="$mode" \
    'BEGIN { if (b <= 0) b = 0.005; printf "%-9s %-9s ratio: dimse dump is %.2fx as fast as dcmdump\n", s, m, a / b }'
}

mkdir -p "$work"
echo "Making the folders in $work (kept for the next run)…"
make_folder "$work/small" "$n_small" 32 32
make_folder "$work/large" "$n_large" 3200 3200
echo "dimse: $dimse"; echo "dcmdump: $(dcmdump --version | head -1)"; echo "best of $runs runs"
echo
report_header
compare small "$work/small" lazy "" "-M"
compare small "$work/small" load-all "--no-bulk" "+M"
compare large "$work/large" lazy "" "-M"
compare large "$work/large" load-all "--no-bulk" "+M"
