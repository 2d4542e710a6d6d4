#!/bin/bash
# bench/retrieve.sh BUILDDIR [WORKDIR] — C-MOVE and C-GET throughput of
# `dimse move`, `dimse get` and `dimse serve` beside DCMTK's movescu,
# getscu and dcmqrscp, in the same run, on the same generated data, over
# free loopback ports.
#
# The data: one study of N_INSTANCES (default 500) CT instances of ROWS×COLS
# (default 512×512) 16-bit pixels, 512 KB each, retrieved whole at STUDY
# level by its Study Instance UID.
#
#   move: SCU {movescu, dimse move} × SCP {dcmqrscp, dimse serve}. movescu
#     moves to a storescp (AE STORESCP); `dimse move` without --dest moves
#     to its own Storage SCP (--port, --out), as DCMTK users would run each.
#     Both archives know both destinations.
#   get: SCU {getscu, dimse get} × SCP {dcmqrscp, dimse serve}; the
#     instances come back on the same association into a folder.
#
# Received files go to the tmpfs and are counted (and their bytes summed)
# after each run. Each pair gets a fresh SCP (and storescp); the time is
# the SCU process's wall clock from start to exit, which comes after the
# last sub-operation is stored. Each row is the best of RUNS runs (default
# 3); each step is bounded by STEP_TIMEOUT seconds (default 600). Peak RSS
# from /usr/bin/time -v, the largest over the runs; dcmqrscp's includes the
# child it forks for the association, and `dimse move`'s includes its
# Storage SCP. TCP_NODELAY=1 is exported for the DCMTK processes; their
# PDU sizes are DCMTK's defaults. MB is 10^6 bytes of Part 10 files. Data
# lives on /dev/shm (WORKDIR overrides) and is kept between runs.
set -euo pipefail

name=bench/retrieve.sh
builddir=${1:?usage: bench/retrieve.sh BUILDDIR [WORKDIR]}
data=${2:-/dev/shm/dimsebench-retrieve}
n_instances=${N_INSTANCES:-500}
rows=${ROWS:-512}
cols=${COLS:-512}
runs=${RUNS:-3}
step_timeout=${STEP_TIMEOUT:-600}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/qr-lib.sh
source "$here/qr-lib.sh"
qr_init movescu getscu storescp

# The Study Instance UID gen-studies gives its "study" mode (bench/gen-studies.c).
study_uid=2.25.323828335307601784792051035066120969589.9.4.0

declare -A secs scu_rss scp_rss dest_rss
declare -A op_label=([move]=C-MOVE [get]=C-GET)

# run_pair OP SCU SCP — one run of OP (move or get): a fresh SCP (and, for
# movescu, a fresh storescp), the SCU retrieves the study once.
run_pair () {
  local op=$1 scu=$2 scp=$3 port dest_port ours_port start t n bytes key
  local -a scu_cmd
  port=$(free_port)
  dest_port=$(free_port)
  ours_port=$(free_port)
  rm -rf "$work/in"
  mkdir -p "$work/in"
  if [ "$scp" = dcmqrscp ]; then
    dcmqrscp_config "$work/qr.cfg" "$work/db" "$port" STORESCP="$dest_port" DIMSEMOVE="$ours_port"
    start_server scp DCMQRSCP "$port" timeout "$step_timeout" dcmqrscp -c "$work/qr.cfg" "$port"
  else
    start_server scp DCMQRSCP "$port" timeout "$step_timeout" "$dimse" serve --aet DCMQRSCP \
      --port "$port" --bind "$host" --accept any --node "STORESCP=$host:$dest_port" \
      --node "DIMSEMOVE=$host:$ours_port" "$data/study"
  fi
  case $op,$scu in
    move,dcmtk)
      start_server dest STORESCP "$dest_port" timeout "$step_timeout" storescp -aet STORESCP \
        -od "$work/in" "$dest_port"
      scu_cmd=(movescu -S -aet MOVESCU -aec DCMQRSCP -aem STORESCP
               -k QueryRetrieveLevel=STUDY -k "StudyInstanceUID=$study_uid" "$host" "$port") ;;
    move,ours)
      scu_cmd=("$dimse" move --aet DIMSEMOVE --port "$ours_port" --out "$work/in"
               -k "StudyInstanceUID=$study_uid" "DCMQRSCP@$host:$port") ;;
    get,dcmtk)
      scu_cmd=(getscu -S -aet GETSCU -aec DCMQRSCP -od "$work/in"
               -k QueryRetrieveLevel=STUDY -k "StudyInstanceUID=$study_uid" "$host" "$port") ;;
    get,ours)
      scu_cmd=("$dimse" get --aet GETSCU --out "$work/in"
               -k "StudyInstanceUID=$study_uid" "DCMQRSCP@$host:$port") ;;
  esac
  start=$(date +%s%N)
  /usr/bin/time -v -o "$work/scu.time" timeout "$step_timeout" "${scu_cmd[@]}" \
    >/dev/null 2>"$work/stderr.txt" || { stop_servers DCMQRSCP "$port"; fail "$op: $scu from $scp failed or timed out"; }
  t=$(seconds_since "$start")
  stop_servers DCMQRSCP "$port"
  n=$(find "$work/in" -type f | wc -l)
  bytes=$(find "$work/in" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  [ "$n" -eq "$n_instances" ] || fail "$op: $scu from $scp: $n of $n_instances instances arrived"
  [ "$bytes" -ge "$((n_instances * rows * cols * 2))" ] \
    || fail "$op: $scu from $scp: only $bytes bytes arrived"
  key=$op,$scu,$scp
  keep "$key" "$t"
  keep_rss scu_rss "$key" "$work/scu.time"
  keep_rss scp_rss "$key" "$work/scp.time"
  if [ -f "$work/dest.time" ]; then
    keep_rss dest_rss "$key" "$work/dest.time"
    rm -f "$work/dest.time"
  fi
  rm -rf "$work/in"
}

echo "Making the data in $data (kept between runs) …"
make_data study "$data/study" "$n_instances" "$rows" "$cols"
dcmqrscp_index "$work/db" "$data/study"
total=$(find "$data/study" -name 'f*.dcm' -printf '%s\n' | awk '{ s += $1 } END { print s }')

echo "movescu/getscu/dcmqrscp: $(movescu --version | head -1); ours: dimse move, dimse get, dimse serve"
echo "best of $runs runs; TCP_NODELAY=1 for DCMTK; data and received files on $(dirname "$work")"
echo

for ((run = 0; run < runs; run++)); do
  for op in move get; do
    for scp in dcmqrscp serve; do
      for scu in dcmtk ours; do
        run_pair "$op" "$scu" "$scp"
      done
    done
  done
done

scu_name () {
  case $1,$2 in
    move,dcmtk) echo "movescu>storescp" ;;
    move,ours) echo "dimse move" ;;
    get,dcmtk) echo getscu ;;
    get,ours) echo "dimse get" ;;
  esac
}
scp_name () { if [ "$1" = dcmqrscp ]; then echo dcmqrscp; else echo "dimse serve"; fi; }
row () { printf "  %-17s %-12s %9s %9s %8s %10s %10s %11s\n" "$@"; }

avg=$(awk -v b="$total" -v n="$n_instances" 'BEGIN { printf "%.0f", b / n / 1024 }')
for op in move get; do
  echo "${op_label[$op]} of $n_instances instances of $avg KB ($total bytes in all)"
  row SCU SCP seconds "inst/s" "MB/s" "SCU RSS MB" "SCP RSS MB" "dest RSS MB"
  for scp in dcmqrscp serve; do
    for scu in dcmtk ours; do
      key=$op,$scu,$scp
      row "$(scu_name "$op" "$scu")" "$(scp_name "$scp")" "${secs[$key]}" \
        "$(awk -v n="$n_instances" -v t="${secs[$key]}" 'BEGIN { printf "%.0f", n / t }')" \
        "$(awk -v b="$total" -v t="${secs[$key]}" 'BEGIN { printf "%.1f", b / 1e6 / t }')" \
        "${scu_rss[$key]}" "${scp_rss[$key]}" "${dest_rss[$key]:--}"
    done
  done
  echo
done

echo "Ratios of throughput, ours / DCMTK (above 1: we are faster)"
for op in move get; do
  echo " ${op_label[$op]}:"
  ratio "SCU: $(scu_name "$op" ours) / $(scu_name "$op" dcmtk), both from dcmqrscp" \
    "${secs[$op,ours,dcmqrscp]}" "${secs[$op,dcmtk,dcmqrscp]}"
  ratio "SCP: dimse serve / dcmqrscp, both for $(scu_name "$op" dcmtk)" \
    "${secs[$op,dcmtk,serve]}" "${secs[$op,dcmtk,dcmqrscp]}"
  ratio "Both ends: $(scu_name "$op" ours) from dimse serve / $(scu_name "$op" dcmtk) from dcmqrscp" \
    "${secs[$op,ours,serve]}" "${secs[$op,dcmtk,dcmqrscp]}"
done
echo
echo "Aims (issue): ours from dimse serve against DCMTK from dcmqrscp"
aim "C-MOVE of $n_instances instances" "${secs[move,ours,serve]}" "${secs[move,dcmtk,dcmqrscp]}" 1.5
aim "C-GET of $n_instances instances" "${secs[get,ours,serve]}" "${secs[get,dcmtk,dcmqrscp]}" 1.5
