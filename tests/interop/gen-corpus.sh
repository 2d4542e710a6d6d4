#!/bin/bash
# gen-corpus.sh CORPUS-DIR OUT-DIR — turns the text dumps of CORPUS-DIR into
# Part 10 files with DCMTK's own tools: dump2dcm writes NAME.ele.dcm
# (explicit VR little endian, defined lengths) and dcmconv makes from it
#   NAME.ile.dcm     implicit VR little endian
#   NAME.ebe.dcm     explicit VR big endian
#   NAME.dle.dcm     deflated explicit VR little endian
#   NAME.ele-ul.dcm  explicit VR little endian, undefined lengths
#   NAME.ile-ul.dcm  implicit VR little endian, undefined lengths
set -euo pipefail

corpus=$1
out=$2
mkdir -p "$out"
for dump in "$corpus"/*.dump; do
  name=$(basename "$dump" .dump)
  dump2dcm -q +te "$dump" "$out/$name.ele.dcm"
  dcmconv -q +ti "$out/$name.ele.dcm" "$out/$name.ile.dcm"
  dcmconv -q +tb "$out/$name.ele.dcm" "$out/$name.ebe.dcm"
  dcmconv -q +td "$out/$name.ele.dcm" "$out/$name.dle.dcm"
  dcmconv -q +te -e "$out/$name.ele.dcm" "$out/$name.ele-ul.dcm"
  dcmconv -q +ti -e "$out/$name.ele.dcm" "$out/$name.ile-ul.dcm"
done
