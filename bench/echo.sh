#!/bin/bash
# bench/echo.sh BUILDDIR — associations per second and C-ECHO round trips
# per second, ours beside DCMTK's echoscu and storescp in the same run, on
# free loopback ports.
#
#   associations: N_ASSOCIATIONS (default 500) associations one after the
#     other, each A-ASSOCIATE, one C-ECHO, A-RELEASE.
#   round trips: N_ECHOES (default 5000) C-ECHOs back to back on one
#     association.
#
# Every pairing of SCU {echoscu, dimse echo, bench-echo} with SCP {storescp,
# bench-echo --server}. Like for like:
#   - echoscu opens one association per process (DCMTK has no option for
#     more), so it is set beside `dimse echo`, also one process per
#     association; bench-echo opens them all in one process and shows what
#     the engine does without process start-up.
#   - echoscu --repeat M sends M C-ECHOs on one association; its rate is
#     (M - 1) / (t(M) - t(1)), so that process start and association
#     set-up cancel out, as they are outside bench-echo's clock too.
# TCP_NODELAY=1 is exported for the DCMTK processes (our transport sets
# TCP_NODELAY itself). Each row is the best of RUNS runs (default 3), each
# step bounded by STEP_TIMEOUT seconds (default 120). Peak RSS from
# /usr/bin/time -v: the largest of the runs for a client, the whole run for
# a server.
set -euo pipefail

builddir=${1:?usage: bench/echo.sh BUILDDIR}
n_assoc=${N_ASSOCIATIONS:-500}
n_echoes=${N_ECHOES:-5000}
parallel=${PARALLEL:-8}
runs=${RUNS:-3}
step_timeout=${STEP_TIMEOUT:-120}
bench=$builddir/bench/bench-echo
dimse=$builddir/src/cli/dimse
host=127.0.0.1
export TCP_NODELAY=1

for tool in "$bench" "$dimse" echoscu storescp /usr/bin/time /usr/bin/python3 timeout; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench/echo.sh: $tool not found (build first; install dcmtk, time)" >&2
    exit 2
  fi
done

work=$(mktemp -d /tmp/dimsebench-echo.XXXXXX)
server_pids=()
cleanup () {
  local pid
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/port-lib.sh
source "$(dirname "$0")/port-lib.sh"

fail () {
  echo "bench/echo.sh: $*" >&2
  [ -s "$work/stderr.txt" ] && head -5 "$work/stderr.txt" >&2
  exit 1
}

# start_server NAME AET PORT CMD… — runs CMD under /usr/bin/time -v and
# waits until it answers a C-ECHO. Sets server_pid (the server itself, not
# time, so that it is the one told to stop and time still reports).
start_server () {
  local name=$1 aet=$2 port=$3 time_pid i
  shift 3
  /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>&1 &
  time_pid=$!
  for ((i = 0; i < 100; i++)); do
    if echoscu -aec "$aet" "$host" "$port" >/dev/null 2>&1; then
      server_pid=$(ps -o pid= --ppid "$time_pid" | tr -d ' ')
      server_pids+=("$server_pid")
      eval "${name}_time_pid=$time_pid"
      return 0
    fi
    sleep 0.05
  done
  cat "$work/$name.out" >&2
  fail "$name did not answer on port $port"
}

# stop_server NAME PID — stops it; sets server_rss (peak RSS in MB).
stop_server () {
  local name=$1 pid=$2 time_pid
  eval "time_pid=\$${name}_time_pid"
  kill -TERM "$pid" 2>/dev/null || true
  wait "$time_pid" || true
  server_rss=$(rss_mb <"$work/$name.time")
}

rss_mb () {
  awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }'
}

seconds_since () {
  awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.6f", (b - a) / 1e9 }'
}

max () { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b) ? a : b }'; }

# keep_best ARRAY KEY VALUE — ARRAY[KEY] becomes the larger of the two.
keep_best () {
  local -n best=$1
  best[$2]=$(max "${best[$2]:-0}" "$3")
}

# client_rss KEY CMD… — CMD once more under /usr/bin/time -v, its peak RSS
# kept in m[KEY].
client_rss () {
  local key=$1
  shift
  /usr/bin/time -v -o "$work/client.time" timeout "$step_timeout" "$@" >/dev/null 2>"$work/stderr.txt" \
    || fail "$* failed"
  keep_best m "$key" "$(rss_mb <"$work/client.time")"
}

# processes_rate KEY CMD… — CMD run N_ASSOCIATIONS times one after the
# other (one association each); the rate in a[KEY].
processes_rate () {
  local key=$1 start t
  shift
  start=$(date +%s%N)
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout "$step_timeout" bash -c 'n=$1; shift; for ((i = 0; i < n; i++)); do "$@" >/dev/null || exit 1; done' \
    loop "$n_assoc" "$@" 2>"$work/stderr.txt" || fail "$* failed or timed out"
  t=$(seconds_since "$start")
  keep_best a "$key" "$(awk -v n="$n_assoc" -v t="$t" 'BEGIN { printf "%.1f", n / t }')"
  [ -n "${m[$key]:-}" ] || client_rss "$key" "$@"
}

# repeat_rate KEY CMD… — echoscu CMD --repeat N_ECHOES against --repeat 1;
# the rate in r[KEY].
repeat_rate () {
  local key=$1 start t1 tm
  shift
  start=$(date +%s%N)
  timeout "$step_timeout" "$@" --repeat 1 >/dev/null 2>"$work/stderr.txt" || fail "$* failed"
  t1=$(seconds_since "$start")
  start=$(date +%s%N)
  timeout "$step_timeout" "$@" --repeat "$n_echoes" >/dev/null 2>"$work/stderr.txt" \
    || fail "$* --repeat $n_echoes failed or timed out"
  tm=$(seconds_since "$start")
  keep_best r "$key" "$(awk -v m="$n_echoes" -v a="$t1" -v b="$tm" \
    'BEGIN { d = b - a; if (d <= 0) d = 1e-6; printf "%.1f", (m - 1) / d }')"
  [ -n "${m[$key-repeat]:-}" ] || client_rss "$key-repeat" "$@" --repeat "$n_echoes"
}

# engine_rates KEY PORT AET [OPTIONS…] — bench-echo in one process; the
# rates in a[KEY] and r[KEY].
engine_rates () {
  local key=$1 port=$2 aet=$3 out
  shift 3
  out=$(/usr/bin/time -v -o "$work/client.time" timeout "$step_timeout" "$bench" \
          --host "$host" --port "$port" --called-aet "$aet" \
          --associations "$n_assoc" --echoes-per-association "$n_echoes" "$@" \
          2>"$work/stderr.txt") || fail "bench-echo $* against port $port failed"
  keep_best a "$key" "$(awk '$1 == "associations/s" { print $2 }' <<<"$out")"
  keep_best r "$key" "$(awk '$1 == "round-trips/s" { print $2 }' <<<"$out")"
  keep_best m "$key" "$(rss_mb <"$work/client.time")"
}

row () {
  printf "  %-34s %-22s %10s %9s\n" "$1" "$2" "$3" "$4"
}

ratio () {
  awk -v a="$2" -v b="$3" -v label="$1" 'BEGIN { if (b <= 0) b = 1e-9; printf "  %-76s %6.2fx\n", label, a / b }'
}

have_dimse_echo=0
if "$dimse" echo --help >/dev/null 2>&1; then have_dimse_echo=1; fi

mkdir -p "$work/store"
dcmtk_port=$(free_port)
start_server storescp STORESCP "$dcmtk_port" storescp -aet STORESCP -od "$work/store" "$dcmtk_port"
storescp_pid=$server_pid
ours_port=$(free_port)
start_server ours BENCHSCP "$ours_port" "$bench" --server --host "$host" --port "$ours_port" --called-aet BENCHSCP
ours_pid=$server_pid

echo "echoscu/storescp: $(echoscu --version | head -1)"
echo "ours: $bench, $dimse (dimse echo rows: $([ $have_dimse_echo = 1 ] && echo yes || echo 'no, not built'))"
echo "storescp on port $dcmtk_port, bench-echo --server on port $ours_port; best of $runs runs"
echo "associations: $n_assoc, each one C-ECHO; round trips: $n_echoes C-ECHO on one association"
echo

# a: associations/s, r: round trips/s, m: peak RSS MB; keyed "SCU,SCP".
# The runs go round every row in turn, so that load from elsewhere on the
# machine falls on all rows alike.
declare -A a r m
for ((run = 0; run < runs; run++)); do
  for scp in storescp ours; do
    if [ $scp = storescp ]; then port=$dcmtk_port aet=STORESCP; else port=$ours_port aet=BENCHSCP; fi
    processes_rate "echoscu,$scp" echoscu -aec "$aet" "$host" "$port"
    if [ $have_dimse_echo = 1 ]; then
      processes_rate "dimse,$scp" "$dimse" echo "$aet@$host:$port"
    fi
    engine_rates "engine,$scp" "$port" "$aet"
    repeat_rate "echoscu,$scp" echoscu -aec "$aet" "$host" "$port"
  done
  engine_rates "engine-parallel,ours" "$ours_port" BENCHSCP --parallel "$parallel" \
    --echoes-per-association 0
done

stop_server storescp "$storescp_pid"
storescp_rss=$server_rss
stop_server ours "$ours_pid"
ours_rss=$server_rss

scp_name () { if [ "$1" = storescp ]; then echo storescp; else echo "bench-echo --server"; fi; }

echo "Associations per second (A-ASSOCIATE, one C-ECHO, A-RELEASE; one after the other)"
row SCU SCP "assoc/s" "SCU RSS MB"
for scp in storescp ours; do
  row "echoscu, one process each" "$(scp_name $scp)" "${a[echoscu,$scp]}" "${m[echoscu,$scp]}"
  if [ $have_dimse_echo = 1 ]; then
    row "dimse echo, one process each" "$(scp_name $scp)" "${a[dimse,$scp]}" "${m[dimse,$scp]}"
  fi
  row "bench-echo, all in one process" "$(scp_name $scp)" "${a[engine,$scp]}" "${m[engine,$scp]}"
done
row "bench-echo, $parallel at a time" "$(scp_name ours)" "${a[engine-parallel,ours]}" "${m[engine-parallel,ours]}"
echo
echo "C-ECHO round trips per second ($n_echoes on one association)"
row SCU SCP "echoes/s" "SCU RSS MB"
for scp in storescp ours; do
  row "echoscu --repeat" "$(scp_name $scp)" "${r[echoscu,$scp]}" "${m[echoscu,$scp-repeat]}"
  row "bench-echo" "$(scp_name $scp)" "${r[engine,$scp]}" "${m[engine,$scp]}"
done
echo
echo "Server peak RSS over the whole run: storescp $storescp_rss MB, bench-echo --server $ours_rss MB"
echo
echo "Ratios, ours / DCMTK (above 1: we are faster)"
echo " Associations per second:"
if [ $have_dimse_echo = 1 ]; then
  ratio "SCU, like for like: dimse echo / echoscu processes, both to storescp" \
    "${a[dimse,storescp]}" "${a[echoscu,storescp]}"
fi
ratio "SCU engine: bench-echo in one process / echoscu processes, both to storescp" \
  "${a[engine,storescp]}" "${a[echoscu,storescp]}"
ratio "SCP: bench-echo --server / storescp, both from echoscu processes" \
  "${a[echoscu,ours]}" "${a[echoscu,storescp]}"
ratio "SCP: bench-echo --server / storescp, both from bench-echo in one process" \
  "${a[engine,ours]}" "${a[engine,storescp]}"
if [ $have_dimse_echo = 1 ]; then
  ratio "Both ends, processes: dimse echo to ours / echoscu to storescp" \
    "${a[dimse,ours]}" "${a[echoscu,storescp]}"
fi
ratio "Both ends: bench-echo to ours / echoscu to storescp" \
  "${a[engine,ours]}" "${a[echoscu,storescp]}"
echo " C-ECHO round trips per second:"
ratio "SCU: bench-echo / echoscu --repeat, both to storescp" \
  "${r[engine,storescp]}" "${r[echoscu,storescp]}"
ratio "SCP: bench-echo --server / storescp, both from echoscu --repeat" \
  "${r[echoscu,ours]}" "${r[echoscu,storescp]}"
ratio "Both ends: bench-echo to ours / echoscu --repeat to storescp" \
  "${r[engine,ours]}" "${r[echoscu,storescp]}"
