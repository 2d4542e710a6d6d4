#!/bin/bash
# bench/store.sh BUILDDIR [WORKDIR] — C-STORE throughput of our Storage SCU
# and SCP beside DCMTK's storescu and storescp, in the same run, on the same
# generated data, over free loopback ports.
#
#   many:  N_MANY (default 1000) instances of 512 KB (512×512 16-bit pixels)
#   small: N_SMALL (default 5000) instances of 8 KB (46×64 16-bit pixels
#          and the 2.2 KB header)
#   huge:  N_HUGE (default 1) instance of 200 MB (10240×10240 16-bit pixels)
#
# Every data set goes through the four pairs storescu→storescp,
# ours→storescp, storescu→`dimse listen` and ours→`dimse listen`, each SCU
# sending the whole folder on one association, one C-STORE at a time.
# "Ours" is `dimse store` when the build has it, else (or with
# OURS_SCU=store-scu) tests/interop-net's store-scu, the engine's Storage SCU
# helper. OURS_OPTIONS adds options to it, e.g. "--parallel 4" for dimse
# store or "--async 8" for store-scu; the default is none, like for like.
#
# Data and received files live on /dev/shm (WORKDIR overrides); the data is
# made with dump2dcm from ct-header.dump, each file with its own SOP Instance
# UID, and kept between runs (delete the folder to make it anew); generation
# is not timed. TCP_NODELAY=1 is exported for the DCMTK processes: Debian's
# DCMTK 3.6.7 leaves Nagle's algorithm on without it.
#
# Each pair gets a fresh SCP and an empty folder; the time is the SCU
# process's wall clock (start-up, association and release included, alike
# for both). Each row is the best of RUNS runs (default 3); each step is
# bounded by STEP_TIMEOUT seconds (default 600). Peak RSS from
# /usr/bin/time -v: the largest over the runs, SCU and SCP apart.
# MB is 10^6 bytes of Part 10 files sent.
set -euo pipefail

builddir=${1:?usage: bench/store.sh BUILDDIR [WORKDIR]}
here=$(cd "$(dirname "$0")" && pwd)
data=${2:-/dev/shm/dimsebench-store}
n_many=${N_MANY:-1000}
n_small=${N_SMALL:-5000}
n_huge=${N_HUGE:-1}
runs=${RUNS:-3}
ours_scu=${OURS_SCU:-dimse}
ours_options=${OURS_OPTIONS:-}
step_timeout=${STEP_TIMEOUT:-600}
dimse=$builddir/src/cli/dimse
store_scu=$builddir/tests/interop-net/store-scu
host=127.0.0.1
export TCP_NODELAY=1

for tool in "$dimse" dump2dcm echoscu storescu storescp /usr/bin/time /usr/bin/python3 timeout; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench/store.sh: $tool not found (build first; install dcmtk, time)" >&2
    exit 2
  fi
done

# ours_cmd AET PORT FILE… — the command line of our SCU, in the array ours.
if [ "$ours_scu" = dimse ] && "$dimse" store --help >/dev/null 2>&1; then
  ours_name="dimse store"
  ours_cmd () {
    local aet=$1 port=$2
    shift 2
    # shellcheck disable=SC2206 # OURS_OPTIONS is split into words on purpose
    ours=("$dimse" store $ours_options "$aet@$host:$port" "$@")
  }
elif [ -x "$store_scu" ]; then
  ours_name="store-scu"
  ours_cmd () {
    local aet=$1 port=$2
    shift 2
    # shellcheck disable=SC2206
    ours=("$store_scu" $ours_options "$aet" "$host" "$port" "$@")
  }
else
  echo "bench/store.sh: neither 'dimse store' nor $store_scu is built" >&2
  exit 2
fi
[ -n "$ours_options" ] && ours_name="$ours_name $ours_options"

work=$(mktemp -d /dev/shm/dimsebench-store-run.XXXXXX)
server_pid=""
server_time_pid=""
cleanup () {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; fi
  if [ -n "$server_time_pid" ]; then wait "$server_time_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail () {
  echo "bench/store.sh: $*" >&2
  [ -s "$work/stderr.txt" ] && tail -5 "$work/stderr.txt" >&2
  exit 1
}

# shellcheck source=bench/port-lib.sh
source "$(dirname "$0")/port-lib.sh"

rss_mb () {
  awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"
}

# make_folder DIR COUNT ROWS COLS — COUNT files from ct-header.dump with the
# given matrix and distinct SOP Instance UIDs, pixel data appended as the
# last element (explicit VR little endian without group lengths, so
# appending keeps the encoding valid).
make_folder () {
  local dir=$1 count=$2 rows=$3 cols=$4
  [ "$(cat "$dir/.complete" 2>/dev/null)" = "$count $rows $cols" ] && return 0
  rm -rf "$dir"
  mkdir -p "$dir"
  sed -e "s/^(0028,0010) US .*/(0028,0010) US $rows/" \
      -e "s/^(0028,0011) US .*/(0028,0011) US $cols/" \
      "$here/ct-header.dump" >"$dir/header.dump"
  dump2dcm -q +te "$dir/header.dump" "$dir/header.dcm"
  /usr/bin/python3 - "$dir" "$count" "$rows" "$cols" <<'PY'
import os, struct, sys
folder, count, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
header = open(os.path.join(folder, "header.dcm"), "rb").read()
length = rows * cols * 2
chunk = bytes(range(256)) * 4096
element = struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, length)
# The template's UID ends in a 7-digit component, so each replacement keeps
# every length (the meta group length too) as it was.
uid = b"1.2.826.0.1.3680043.10.1247.100.1000000"
for i in range(count):
    new_uid = ("1.2.826.0.1.3680043.10.1247.100.%07d" % (1000000 + i)).encode()
    with open(os.path.join(folder, "f%05d.dcm" % i), "wb") as f:
        f.write(header.replace(uid, new_uid))
        f.write(element)
        left = length
        while left > 0:
            f.write(chunk[:min(left, len(chunk))])
            left -= len(chunk)
PY
  rm -f "$dir/header.dump" "$dir/header.dcm"
  echo "$count $rows $cols" >"$dir/.complete"
}

# start_server NAME PORT CMD… — CMD under /usr/bin/time -v, waited for
# until it answers a C-ECHO.
start_server () {
  local name=$1 port=$2 i
  shift 2
  /usr/bin/time -v -o "$work/scp.time" "$@" >"$work/scp.out" 2>&1 &
  server_time_pid=$!
  for ((i = 0; i < 200; i++)); do
    if echoscu -aec ANY-SCP "$host" "$port" >/dev/null 2>&1; then
      server_pid=$(ps -o pid= --ppid "$server_time_pid" | tr -d ' ')
      return 0
    fi
    sleep 0.05
  done
  tail -5 "$work/scp.out" >&2
  fail "$name did not answer on port $port"
}

stop_server () {
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_time_pid" || true
  server_pid="" server_time_pid=""
}

# run_pair SET SCU SCP — one run: a fresh SCP, the SCU sends all of SET;
# keeps the best rate and the largest peak RSS under the key SET,SCU,SCP.
run_pair () {
  local set=$1 scu=$2 scp=$3 dir=$data/$1 port start end t n received key
  local -a files scu_cmd
  port=$(free_port)
  rm -rf "$work/in"
  mkdir -p "$work/in"
  if [ "$scp" = storescp ]; then
    start_server storescp "$port" timeout "$step_timeout" storescp -od "$work/in" "$port"
  else
    start_server "dimse listen" "$port" timeout "$step_timeout" "$dimse" listen \
      --port "$port" --out "$work/in"
  fi
  files=("$dir"/f*.dcm)
  n=${#files[@]}
  if [ "$scu" = storescu ]; then
    scu_cmd=(storescu -aec ANY-SCP "$host" "$port" "${files[@]}")
  else
    ours_cmd ANY-SCP "$port" "${files[@]}"
    scu_cmd=("${ours[@]}")
  fi
  start=$(date +%s%N)
  /usr/bin/time -v -o "$work/scu.time" timeout "$step_timeout" "${scu_cmd[@]}" \
    >/dev/null 2>"$work/stderr.txt" || { stop_server; fail "$scu to $scp on $set failed or timed out"; }
  end=$(date +%s%N)
  stop_server
  received=$(find "$work/in" -type f | wc -l)
  [ "$received" -eq "$n" ] || fail "$scu to $scp on $set: $received of $n instances arrived"
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
  key=$set,$scu,$scp
  if [ -z "${secs[$key]:-}" ] || awk -v a="$t" -v b="${secs[$key]}" 'BEGIN { exit !(a < b) }'; then
    secs[$key]=$t
  fi
  scu_rss[$key]=$(awk -v a="${scu_rss[$key]:-0}" -v b="$(rss_mb "$work/scu.time")" 'BEGIN { print (a > b) ? a : b }')
  scp_rss[$key]=$(awk -v a="${scp_rss[$key]:-0}" -v b="$(rss_mb "$work/scp.time")" 'BEGIN { print (a > b) ? a : b }')
  rm -rf "$work/in"
}

scp_name () { if [ "$1" = storescp ]; then echo storescp; else echo "dimse listen"; fi; }
scu_name () { if [ "$1" = storescu ]; then echo storescu; else echo "$ours_name"; fi; }

echo "Making the data in $data (kept between runs) …"
sets=()
[ "$n_many" -gt 0 ] && { make_folder "$data/many" "$n_many" 512 512; sets+=(many); }
[ "$n_small" -gt 0 ] && { make_folder "$data/small" "$n_small" 46 64; sets+=(small); }
[ "$n_huge" -gt 0 ] && { make_folder "$data/huge" "$n_huge" 10240 10240; sets+=(huge); }

declare -A secs scu_rss scp_rss bytes count
for set in "${sets[@]}"; do
  count[$set]=$(find "$data/$set" -name 'f*.dcm' | wc -l)
  bytes[$set]=$(find "$data/$set" -name 'f*.dcm' -printf '%s\n' | awk '{ s += $1 } END { print s }')
done

echo "storescu/storescp: $(storescu --version | head -1); ours: $ours_name, dimse listen"
echo "best of $runs runs; TCP_NODELAY=1 for DCMTK; data and received files on $(dirname "$work")"
echo

# The runs go round every pair in turn, so that load from elsewhere on the
# machine falls on all pairs alike.
for ((run = 0; run < runs; run++)); do
  for set in "${sets[@]}"; do
    for scp in storescp listen; do
      for scu in storescu ours; do
        run_pair "$set" "$scu" "$scp"
      done
    done
  done
done

rate () { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", n / t }'; }
mbs () { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / 1e6 / t }'; }
row () { printf "  %-28s %-14s %9s %11s %9s %11s %11s\n" "$@"; }

for set in "${sets[@]}"; do
  avg=$(awk -v b="${bytes[$set]}" -v n="${count[$set]}" 'BEGIN { printf "%.0f", b / n / 1024 }')
  echo "${count[$set]} instances of ${avg} KB (${bytes[$set]} bytes in all)"
  row SCU SCP seconds "inst/s" "MB/s" "SCU RSS MB" "SCP RSS MB"
  for scp in storescp listen; do
    for scu in storescu ours; do
      key=$set,$scu,$scp
      row "$(scu_name $scu)" "$(scp_name $scp)" "${secs[$key]}" \
        "$(rate "${count[$set]}" "${secs[$key]}")" "$(mbs "${bytes[$set]}" "${secs[$key]}")" \
        "${scu_rss[$key]}" "${scp_rss[$key]}"
    done
  done
  echo
done

ratio () {
  awk -v label="$1" -v a="$2" -v b="$3" 'BEGIN { printf "  %-66s %6.2fx\n", label, b / a }'
}

echo "Ratios of throughput, ours / DCMTK (above 1: we are faster)"
for set in "${sets[@]}"; do
  echo " ${count[$set]} instances ($set):"
  ratio "SCU: $(scu_name ours) / storescu, both to storescp" \
    "${secs[$set,ours,storescp]}" "${secs[$set,storescu,storescp]}"
  ratio "SCP: dimse listen / storescp, both from storescu" \
    "${secs[$set,storescu,listen]}" "${secs[$set,storescu,storescp]}"
  ratio "Both ends: $(scu_name ours) to dimse listen / storescu to storescp" \
    "${secs[$set,ours,listen]}" "${secs[$set,storescu,storescp]}"
done

# aim LABEL SET WANT — the issue's aim for both ends together on SET.
aim () {
  local key=$2
  [ -n "${secs[$key,ours,listen]:-}" ] || return 0
  awk -v label="$1" -v a="${secs[$key,ours,listen]}" -v b="${secs[$key,storescu,storescp]}" -v want="$3" \
    'BEGIN { r = b / a; printf "  %-66s %6.2fx (aim >= %.1fx: %s)\n", label, r, want, (r >= want) ? "met" : "not met" }'
}

echo
echo "Aims (issue): ours to dimse listen against storescu to storescp"
aim "${count[many]:-0} instances of 512 KB" many 1.5
aim "${count[small]:-0} instances of 8 KB" small 2
if [ -n "${scp_rss[huge,ours,listen]:-}" ]; then
  awk -v a="${scp_rss[huge,ours,listen]}" -v b="${scp_rss[huge,storescu,listen]}" \
    'BEGIN { m = (a > b) ? a : b; printf "  %-66s %6.1f MB (aim < 32 MB: %s)\n", "dimse listen peak RSS receiving 200 MB", m, (m < 32) ? "met" : "not met" }'
fi
if [ -n "${scu_rss[huge,ours,storescp]:-}" ]; then
  awk -v a="${scu_rss[huge,ours,storescp]}" -v b="${scu_rss[huge,ours,listen]}" -v name="$ours_name" \
    'BEGIN { m = (a > b) ? a : b; printf "  %-66s %6.1f MB\n", name " peak RSS sending 200 MB (streamed from the file)", m }'
fi
