#!/bin/bash
# make-seeds.sh [BUILDDIR] — regenerates the seed corpora under
# tests/fuzz/corpus/ from the interop dumps (dump2dcm + dcmconv) and
# dcm2json, and with BUILDDIR also from the project's own writer
# (tests/interop/transcode) and `dimse dump --json`. Run by hand when the
# dumps change; the seeds are committed.
#   corpus/part10/   small Part 10 files in the four syntaxes
#   corpus/dataset/  their data sets after the meta group, prefixed with
#                    the byte that picks the syntax (0 ILE, 1 ELE, 2 EBE, 3 DLE)
#   corpus/json/     DICOM JSON from dcm2json, plus the hand-written ones kept
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$here/../interop/gen-corpus.sh" "$here/../interop/corpus" "$tmp"

picks="all-vrs.ile all-vrs.ele all-vrs.ebe all-vrs.dle sequences.ele-ul sequences.ebe
private.ile multi-empty.ebe japanese.ele gb18030.ele utf8.dle cyrillic.ile-ul latin1.ile"
rm -f "$here"/corpus/part10/*.dcm "$here"/corpus/dataset/*.bin "$here"/corpus/json/dcm2json-*.json \
  "$here"/corpus/json/dimse-*.json
mkdir -p "$here/corpus/part10" "$here/corpus/dataset" "$here/corpus/json"
builddir=${1:-}
if [ -n "$builddir" ]; then
  "$builddir/tests/interop/transcode" --make "$tmp"
  "$builddir/tests/interop/transcode" --undefined-lengths "$tmp/sequences.ele.dcm" \
    "$tmp/made-sequences.dcm" 1.2.840.10008.1.2.2
  picks="$picks made-japanese made-gb18030 made-sequences"
fi
for p in $picks; do
  cp "$tmp/$p.dcm" "$here/corpus/part10/$p.dcm"
  /usr/bin/python3 - "$tmp/$p.dcm" "$here/corpus/dataset/$p.bin" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
(meta_len,) = struct.unpack_from("<I", data, 140)
meta = data[132:144 + meta_len]
syntax = {b"1.2.840.10008.1.2\0": 0, b"1.2.840.10008.1.2.1\0": 1,
          b"1.2.840.10008.1.2.2\0": 2, b"1.2.840.10008.1.2.1.99": 3}
for uid, index in syntax.items():
    if uid in meta:
        break
open(sys.argv[2], "wb").write(bytes([index]) + data[144 + meta_len:])
PY
done
for p in all-vrs.ele sequences.ele private.ele multi-empty.ele utf8.ele gb18030.ele latin1.ele; do
  dcm2json -q -fc "$tmp/$p.dcm" "$here/corpus/json/dcm2json-${p%%.*}.json"
done
if [ -n "$builddir" ]; then
  "$builddir/src/cli/dimse" dump --json "$tmp/made-japanese.dcm" >"$here/corpus/json/dimse-japanese.json"
  "$builddir/src/cli/dimse" dump --json "$tmp/all-vrs.ebe.dcm" >"$here/corpus/json/dimse-all-vrs.json"
fi
