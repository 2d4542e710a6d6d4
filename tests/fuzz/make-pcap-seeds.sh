#!/bin/bash
# make-pcap-seeds.sh BUILDDIR — regenerates tests/fuzz/corpus/pcap/ from a
# capture (dumpcap on the loopback interface, so run as root) of `dimse
# echo` and a C-STORE by DCMTK's storescu to `dimse listen` on port 104,
# written as pcapng (Ethernet link), classic pcap, and cut into small
# pieces. Run by hand; the seeds are committed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dimse=$1/src/cli/dimse
out=$here/corpus/pcap
tmp=$(mktemp -d)
pids=()
cleanup () {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

printf '(0008,0016) UI =SecondaryCaptureImageStorage\n(0008,0018) UI [1.2.826.0.1.3680043.10.1247.330.1]\n(0010,0010) PN [SEED^FUZZ]\n' \
  > "$tmp/seed.dump"
dump2dcm +te "$tmp/seed.dump" "$tmp/seed.dcm"
mkdir -p "$tmp/in"
dumpcap -q -i lo -f "tcp port 104" -w "$tmp/cap.pcapng" > /dev/null 2>&1 &
pids+=($!)
sleep 2
"$dimse" listen --port 104 --aet SEEDS --accept any --out "$tmp/in" > /dev/null 2>&1 &
pids+=($!)
sleep 1
"$dimse" echo SEEDS@127.0.0.1:104 > /dev/null
TCP_NODELAY=1 storescu -aec SEEDS 127.0.0.1 104 "$tmp/seed.dcm"
sleep 1
kill -INT "${pids[0]}"
wait "${pids[0]}" || true
mkdir -p "$out"
rm -f "$out"/*
cp "$tmp/cap.pcapng" "$out/echo-store.pcapng"
editcap -F pcap "$tmp/cap.pcapng" "$out/echo-store.pcap"
editcap -F pcap --set-snaplen 96 "$tmp/cap.pcapng" "$out/echo-store-snap96.pcap" 2> /dev/null \
  || editcap -F pcap -s 96 "$tmp/cap.pcapng" "$out/echo-store-snap96.pcap"
head -c 600 "$tmp/cap.pcapng" > "$out/cut.pcapng"
