# bench/qr-lib.sh — sourced by bench/find.sh and bench/retrieve.sh: the
# work folder, free ports, servers under /usr/bin/time, dcmqrscp's
# configuration and index, and the best-of-runs bookkeeping.
#
# The caller sets: name (for messages), builddir, step_timeout, and calls
# qr_init TOOL… before anything else.
# shellcheck shell=bash
# shellcheck disable=SC2154 # name and builddir come from the caller

host=127.0.0.1
dimse=$builddir/src/cli/dimse
gen_studies=$builddir/bench/gen-studies
export TCP_NODELAY=1

# qr_init TOOL… — checks the tools and makes the work folder on /dev/shm.
qr_init () {
  local tool
  for tool in "$dimse" "$gen_studies" dcmqrscp dcmqridx echoscu /usr/bin/time \
              /usr/bin/python3 timeout "$@"; do
    if ! command -v "$tool" >/dev/null; then
      echo "$name: $tool not found (build first; install dcmtk, time)" >&2
      exit 2
    fi
  done
  if ! "$dimse" serve --help >/dev/null 2>&1; then
    echo "$name: this build's dimse has no 'serve' command yet" >&2
    exit 2
  fi
  work=$(mktemp -d /dev/shm/dimsebench-qr-run.XXXXXX)
  server_pids=()
  server_time_pids=()
  trap qr_cleanup EXIT
  trap 'exit 130' INT TERM
}

qr_cleanup () {
  local pid
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${server_time_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

fail () {
  echo "$name: $*" >&2
  [ -s "$work/stderr.txt" ] && tail -5 "$work/stderr.txt" >&2
  exit 1
}

# shellcheck source=bench/port-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/port-lib.sh"

rss_mb () {
  awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"
}

# make_data DIR ARGS… — runs gen-studies MODE DIR ARGS… unless DIR holds
# a complete run with the same arguments (kept between runs).
make_data () {
  local mode=$1 dir=$2
  shift 2
  [ "$(cat "$dir/.complete" 2>/dev/null)" = "$mode $*" ] && return 0
  rm -rf "$dir"
  "$gen_studies" "$mode" "$dir" "$@" || fail "gen-studies $mode $dir $* failed"
  echo "$mode $*" >"$dir/.complete"
}

# dcmqrscp_config FILE DBDIR PORT [AET=PORT]… — a configuration for one
# storage area (AE DCMQRSCP; at most 500 studies: DB_UpperMaxStudies in
# DCMTK 3.6.7) with the C-MOVE destinations given; MaxPDUSize is DCMTK's
# default.
dcmqrscp_config () {
  local file=$1 db=$2 port=$3 entry
  shift 3
  {
    echo "NetworkTCPPort = $port"
    echo "MaxPDUSize = 16384"
    echo "MaxAssociations = 16"
    echo "HostTable BEGIN"
    for entry in "$@"; do
      echo "${entry%%=*} = (${entry%%=*}, $host, ${entry#*=})"
    done
    echo "HostTable END"
    echo "VendorTable BEGIN"
    echo "VendorTable END"
    echo "AETable BEGIN"
    echo "DCMQRSCP $db RW (500, 1024mb) ANY"
    echo "AETable END"
  } >"$file"
}

# dcmqrscp_index DBDIR DIR — dcmqrscp's index of every f*.dcm in DIR,
# which stay where they are.
dcmqrscp_index () {
  local db=$1 dir=$2
  rm -rf "$db"
  mkdir -p "$db"
  find "$dir" -name 'f*.dcm' -print0 | sort -z | xargs -0 dcmqridx -q "$db" \
    || fail "dcmqridx could not index $dir"
}

# start_server KEY AET PORT CMD… — CMD under /usr/bin/time -v (into
# $work/KEY.time), waited for until it answers a C-ECHO to AET.
start_server () {
  local key=$1 aet=$2 port=$3 i
  shift 3
  /usr/bin/time -v -o "$work/$key.time" "$@" >"$work/$key.out" 2>&1 &
  server_time_pids+=($!)
  for ((i = 0; i < 400; i++)); do
    if echoscu -aec "$aet" "$host" "$port" >/dev/null 2>&1; then
      server_pids+=("$(ps -o pid= --ppid "${server_time_pids[-1]}" | tr -d ' ')")
      return 0
    fi
    sleep 0.05
  done
  tail -5 "$work/$key.out" >&2
  fail "$key did not answer on port $port"
}

# stop_servers AET PORT — ends every server started. dcmqrscp forks a
# child per association and reaps it when the next one arrives: one more
# C-ECHO first, so that /usr/bin/time counts the child that did the work.
stop_servers () {
  local pid
  echoscu -aec "$1" "$host" "$2" >/dev/null 2>&1 || true
  sleep 0.2
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${server_time_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  server_pids=()
  server_time_pids=()
}

# keep KEY SECONDS — the best time under KEY.
keep () {
  if [ -z "${secs[$1]:-}" ] || awk -v a="$2" -v b="${secs[$1]}" 'BEGIN { exit !(a < b) }'; then
    secs[$1]=$2
  fi
}

# keep_rss TABLE KEY FILE — the largest peak RSS under KEY in the
# associative array named TABLE.
keep_rss () {
  local -n table=$1
  local now
  now=$(rss_mb "$3")
  table[$2]=$(awk -v a="${table[$2]:-0}" -v b="${now:-0}" 'BEGIN { print (a > b) ? a : b }')
}

seconds_since () {
  awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.6f", (b - a) / 1e9 }'
}

ratio () {
  awk -v label="$1" -v a="$2" -v b="$3" 'BEGIN { printf "  %-72s %6.2fx\n", label, b / a }'
}

# aim LABEL OURS DCMTK WANT
aim () {
  awk -v label="$1" -v a="$2" -v b="$3" -v want="$4" \
    'BEGIN { r = b / a; printf "  %-72s %6.2fx (aim >= %.1fx: %s)\n", label, r, want, (r >= want) ? "met" : "not met" }'
}
