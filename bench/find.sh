#!/bin/bash
# bench/find.sh BUILDDIR [WORKDIR] — C-FIND results per second of `dimse
# find` and `dimse serve` beside DCMTK's findscu and dcmqrscp, in the same
# run, on the same generated data, over free loopback ports.
#
#   studies: N_STUDIES (default 500) studies of one patient and one 8×8 CT
#     instance each; a Study Root C-FIND at STUDY level, PatientName=*,
#     with nine return keys (PatientID, PatientBirthDate, StudyDate,
#     StudyTime, AccessionNumber, StudyDescription, StudyID,
#     ReferringPhysicianName, StudyInstanceUID): one result per study.
#     500 is the most dcmqrscp holds: Debian's DCMTK 3.6.7 caps a storage
#     area at 500 studies (DB_UpperMaxStudies) and dcmqridx drops the
#     oldest beyond that, so 2,000 studies cannot be served by it.
#   images: N_IMAGES (default 2000) 8×8 CT instances in one series; a
#     C-FIND at IMAGE level on its Study and Series Instance UIDs with
#     SOPInstanceUID, SOPClassUID and InstanceNumber: 2,000 results.
#   ours-studies: N_OURS_STUDIES (default 2000) studies as in "studies",
#     `dimse find` against `dimse serve` alone (dcmqrscp cannot hold them).
#
# Every set goes through the four pairs findscu→dcmqrscp,
# dimse find→dcmqrscp, findscu→dimse serve and dimse find→dimse serve, each
# printing every match (findscu's default output, `dimse find`'s text) to a
# file on the tmpfs; the number of matches is checked. Each pair gets a
# fresh SCP; the time is the SCU process's wall clock (start-up,
# association and release included, alike for both). Each row is the best
# of RUNS runs (default 3); each step is bounded by STEP_TIMEOUT seconds
# (default 300). Peak RSS from /usr/bin/time -v, the largest over the runs
# (dcmqrscp's includes the child it forks for the association).
# TCP_NODELAY=1 is exported for the DCMTK processes. Data lives on
# /dev/shm (WORKDIR overrides) and is kept between runs.
set -euo pipefail

name=bench/find.sh
builddir=${1:?usage: bench/find.sh BUILDDIR [WORKDIR]}
data=${2:-/dev/shm/dimsebench-find}
n_studies=${N_STUDIES:-500}
n_images=${N_IMAGES:-2000}
n_ours_studies=${N_OURS_STUDIES:-2000}
runs=${RUNS:-3}
step_timeout=${STEP_TIMEOUT:-300}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/qr-lib.sh
source "$here/qr-lib.sh"
qr_init findscu

# The UIDs gen-studies gives its "study" mode (bench/gen-studies.c).
root=2.25.323828335307601784792051035066120969589
study_keys=(QueryRetrieveLevel=STUDY "PatientName=*" PatientID PatientBirthDate StudyDate
            StudyTime AccessionNumber StudyDescription StudyID ReferringPhysicianName
            StudyInstanceUID)
image_keys=(QueryRetrieveLevel=IMAGE "StudyInstanceUID=$root.9.4.0"
            "SeriesInstanceUID=$root.9.5.0" SOPInstanceUID SOPClassUID InstanceNumber)

declare -A secs scu_rss scp_rss count

# run_pair SET SCU SCP — one run: a fresh SCP over SET, the SCU asks once.
run_pair () {
  local set=$1 scu=$2 scp=$3 port start t n key k
  local -a keys scu_cmd
  port=$(free_port)
  if [ "$scp" = dcmqrscp ]; then
    dcmqrscp_config "$work/$set.cfg" "$work/db-$set" "$port"
    start_server scp DCMQRSCP "$port" timeout "$step_timeout" dcmqrscp -c "$work/$set.cfg" "$port"
  else
    start_server scp DCMQRSCP "$port" timeout "$step_timeout" "$dimse" serve --aet DCMQRSCP \
      --port "$port" --bind "$host" --accept any "$data/$set"
  fi
  if [ "$set" = images ]; then keys=("${image_keys[@]}"); else keys=("${study_keys[@]}"); fi
  if [ "$scu" = findscu ]; then
    scu_cmd=(findscu -S -aet FINDSCU -aec DCMQRSCP)
    for k in "${keys[@]}"; do scu_cmd+=(-k "$k"); done
    scu_cmd+=("$host" "$port")
  else
    scu_cmd=("$dimse" find --aet FINDSCU --level "${keys[0]#*=}")
    for k in "${keys[@]:1}"; do scu_cmd+=(-k "$k"); done
    scu_cmd+=("DCMQRSCP@$host:$port")
  fi
  start=$(date +%s%N)
  /usr/bin/time -v -o "$work/scu.time" timeout "$step_timeout" "${scu_cmd[@]}" \
    >"$work/matches.txt" 2>"$work/stderr.txt" || { stop_servers DCMQRSCP "$port"; fail "$scu to $scp on $set failed or timed out"; }
  t=$(seconds_since "$start")
  stop_servers DCMQRSCP "$port"
  if [ "$scu" = findscu ]; then
    n=$(cat "$work/matches.txt" "$work/stderr.txt" | grep -c 'Find Response: .*(Pending)' || true)
  else
    n=$(grep -c '^# Match ' "$work/matches.txt" || true)
  fi
  [ "$n" -eq "${count[$set]}" ] || fail "$scu to $scp on $set: $n of ${count[$set]} matches"
  key=$set,$scu,$scp
  keep "$key" "$t"
  keep_rss scu_rss "$key" "$work/scu.time"
  keep_rss scp_rss "$key" "$work/scp.time"
}

echo "Making the data in $data (kept between runs) …"
sets=()
if [ "$n_studies" -gt 0 ]; then
  [ "$n_studies" -le 500 ] || fail "N_STUDIES=$n_studies: dcmqrscp holds at most 500 studies"
  make_data studies "$data/studies" "$n_studies"
  sets+=(studies)
  count[studies]=$n_studies
fi
if [ "$n_images" -gt 0 ]; then
  make_data study "$data/images" "$n_images" 8 8
  sets+=(images)
  count[images]=$n_images
fi
if [ "$n_ours_studies" -gt 0 ]; then
  make_data studies "$data/ours-studies" "$n_ours_studies"
  count[ours-studies]=$n_ours_studies
fi
for set in "${sets[@]}"; do
  dcmqrscp_index "$work/db-$set" "$data/$set"
done

echo "findscu/dcmqrscp: $(findscu --version | head -1); ours: dimse find, dimse serve"
echo "best of $runs runs; TCP_NODELAY=1 for DCMTK; data and output on $(dirname "$work")"
echo

for ((run = 0; run < runs; run++)); do
  for set in "${sets[@]}"; do
    for scp in dcmqrscp serve; do
      for scu in findscu ours; do
        run_pair "$set" "$scu" "$scp"
      done
    done
  done
  if [ "$n_ours_studies" -gt 0 ]; then run_pair ours-studies ours serve; fi
done

scu_name () { if [ "$1" = findscu ]; then echo findscu; else echo "dimse find"; fi; }
scp_name () { if [ "$1" = dcmqrscp ]; then echo dcmqrscp; else echo "dimse serve"; fi; }
row () { printf "  %-12s %-12s %9s %11s %11s %11s\n" "$@"; }
print_row () {
  local key=$1,$2,$3
  row "$(scu_name "$2")" "$(scp_name "$3")" "${secs[$key]}" \
    "$(awk -v n="${count[$1]}" -v t="${secs[$key]}" 'BEGIN { printf "%.0f", n / t }')" \
    "${scu_rss[$key]}" "${scp_rss[$key]}"
}

for set in "${sets[@]}"; do
  echo "$set: ${count[$set]} matches"
  row SCU SCP seconds "results/s" "SCU RSS MB" "SCP RSS MB"
  for scp in dcmqrscp serve; do
    for scu in findscu ours; do
      print_row "$set" "$scu" "$scp"
    done
  done
  echo
done
if [ "$n_ours_studies" -gt 0 ]; then
  echo "ours-studies: ${count[ours-studies]} matches (dcmqrscp cannot hold them)"
  row SCU SCP seconds "results/s" "SCU RSS MB" "SCP RSS MB"
  print_row ours-studies ours serve
  echo
fi

echo "Ratios of results per second, ours / DCMTK (above 1: we are faster)"
for set in "${sets[@]}"; do
  echo " $set (${count[$set]} matches):"
  ratio "SCU: dimse find / findscu, both to dcmqrscp" \
    "${secs[$set,ours,dcmqrscp]}" "${secs[$set,findscu,dcmqrscp]}"
  ratio "SCP: dimse serve / dcmqrscp, both from findscu" \
    "${secs[$set,findscu,serve]}" "${secs[$set,findscu,dcmqrscp]}"
  ratio "Both ends: dimse find to dimse serve / findscu to dcmqrscp" \
    "${secs[$set,ours,serve]}" "${secs[$set,findscu,dcmqrscp]}"
done
echo
echo "Aim (issue): dimse find to dimse serve against findscu to dcmqrscp"
for set in "${sets[@]}"; do
  aim "$set: ${count[$set]} matches" "${secs[$set,ours,serve]}" "${secs[$set,findscu,dcmqrscp]}" 1.5
done
