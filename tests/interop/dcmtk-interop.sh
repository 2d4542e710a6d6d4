#!/bin/bash
# dcmtk-interop.sh CHECK DIMSE TRANSCODE SRCDIR — the data layer beside DCMTK.
#
# CHECK is one of
#   json       `dimse dump --json` agrees with dcm2json for every corpus file
#   dcmdump    every file the project writes is read by dcmdump without a
#              word on stderr, and dcm2json sees in it what it sees in
#              dcmconv's conversion of the same source to the same syntax
#   bytes      the project's transcoding agrees byte for byte with dcmconv
#              (data set after the meta group; deflated compared inflated)
#   roundtrip  read, write, read gives an equal data set in every syntax
#   writer     data sets built from UTF-8 with the typed setters in five
#              character sets: dcmdump reads them without a word, dcm2json
#              agrees with `dimse dump --json`, and the encoded values are
#              byte for byte those dump2dcm wrote from the dumps (each
#              character set fixes the bytes; ISO 2022 escapes per PS3.5
#              §6.1.2.5.3, as in Annex H.3.1)
#   text       `dimse dump` lists the same elements (tag, VR, nesting, and
#              the values both print alike) as dcmdump, in the same order,
#              and fails as documented
#
# The corpus is made afresh in a temp dir by gen-corpus.sh. Exit 77 (skip)
# when DCMTK or /usr/bin/python3 is missing.
set -uo pipefail

check=$1
dimse=$2
transcode=$3
srcdir=$4

for tool in dump2dcm dcmconv dcmdump dcm2json; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool (DCMTK) not found"
    exit 77
  fi
done
python=/usr/bin/python3
if [ ! -x "$python" ]; then
  echo "SKIP: $python not found"
  exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dimse-interop.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
corpus=$tmp/corpus
bash "$srcdir/gen-corpus.sh" "$srcdir/corpus" "$corpus" || { echo "FAIL: corpus generation"; exit 1; }

failures=0
passes=0
declare -A ts_uid=(
  [ile]=1.2.840.10008.1.2
  [ele]=1.2.840.10008.1.2.1
  [ebe]=1.2.840.10008.1.2.2
  [dle]=1.2.840.10008.1.2.1.99
)
declare -A dcmconv_ts=([ile]=+ti [ele]=+te [ebe]=+tb [dle]=+td)

fail () {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

pass () {
  passes=$((passes + 1))
}

# The JSON dcm2json gives for $1 into $2; for the few files dcm2json cannot
# convert (ISO 2022 IR 87 is not in glibc's iconv as DCMTK asks for it) the
# expected JSON written by hand from PS3.5 Annex H beside the dump.
reference_json () {
  local file=$1 out=$2 name
  name=$(basename "$file"); name=${name%%.*}
  if dcm2json -q -fc "$file" "$out" 2>/dev/null; then
    return 0
  fi
  if [ -f "$srcdir/corpus/$name.expected.json" ]; then
    cp "$srcdir/corpus/$name.expected.json" "$out"
    return 0
  fi
  return 1
}

check_json () {
  local f ref act
  for f in "$corpus"/*.dcm; do
    ref=$tmp/ref.json act=$tmp/act.json
    if ! reference_json "$f" "$ref"; then
      fail "$(basename "$f"): dcm2json cannot convert it and there is no expected JSON"
      continue
    fi
    if ! "$dimse" dump --json --no-bulk "$f" >"$act" 2>"$tmp/err"; then
      fail "$(basename "$f"): dimse dump --json failed: $(cat "$tmp/err")"
      continue
    fi
    if "$python" "$srcdir/dcmjson.py" compare "$ref" "$act" >"$tmp/diff"; then
      pass
    else
      fail "$(basename "$f"): dimse dump --json differs from dcm2json:"
      sed 's/^/    /' "$tmp/diff" | head -40
    fi
  done
}

# Every file the project writes is read by dcmdump without a word on stderr,
# and dcm2json finds in it what it finds in dcmconv's conversion of the same
# source to the same syntax. One exception, checked rather than assumed: when
# dcmdump says the same of DCMTK's own conversion (an undefined-length
# private sequence in implicit VR is UN to DCMTK, PS3.5 §6.2.2 note, CP-246).
check_dcmdump () {
  local f ts ul out ref base
  for f in "$corpus"/*.ele.dcm "$corpus"/*.ile.dcm "$corpus"/*.ebe.dcm; do
    base=$(basename "$f" .dcm)
    for ts in ile ele ebe dle; do
      for ul in "" -e; do
        out=$tmp/out.dcm ref=$tmp/ref.dcm
        rm -f "$out" "$ref"
        dcmconv -q "${dcmconv_ts[$ts]}" $ul "$f" "$ref" || { fail "$base → $ts $ul: dcmconv failed"; continue; }
        if ! "$transcode" ${ul:+--undefined-lengths} "$f" "$out" "${ts_uid[$ts]}" 2>"$tmp/err"; then
          fail "$base → $ts $ul: the project could not write it: $(cat "$tmp/err")"
          continue
        fi
        if ! dcmdump "$out" >/dev/null 2>"$tmp/err" || [ -s "$tmp/err" ]; then
          dcmdump "$ref" >/dev/null 2>"$tmp/ref-err"
          if ! [ -s "$tmp/err" ] || ! cmp -s "$tmp/err" "$tmp/ref-err"; then
            fail "$base → $ts $ul: dcmdump complains:"
            sed 's/^/    /' "$tmp/err" | head -20
            continue
          fi
        fi
        if reference_json "$ref" "$tmp/ref.json" && dcm2json -q -fc "$out" "$tmp/out.json" 2>/dev/null; then
          if ! "$python" "$srcdir/dcmjson.py" compare "$tmp/ref.json" "$tmp/out.json" >"$tmp/diff"; then
            fail "$base → $ts $ul: dcm2json sees other values than in dcmconv's conversion:"
            sed 's/^/    /' "$tmp/diff" | head -40
            continue
          fi
        fi
        pass
      done
    done
  done
}

show_byte_diff () {
  local ref=$1 ours=$2
  echo "    sizes: dcmconv $(stat -c %s "$ref"), project $(stat -c %s "$ours")"
  cmp -l "$ref" "$ours" 2>&1 | head -8 | sed 's/^/    offset (1-based), octal dcmconv, octal project: /'
}

check_bytes () {
  local f base ts ul ref ours
  for f in "$corpus"/*.ele.dcm; do
    base=$(basename "$f" .ele.dcm)
    for ts in ile ele ebe dle; do
      for ul in "" -e; do
        ref=$tmp/ref.dcm ours=$tmp/ours.dcm
        rm -f "$ref" "$ours"
        dcmconv -q "${dcmconv_ts[$ts]}" $ul "$f" "$ref" || { fail "$base → $ts: dcmconv failed"; continue; }
        if ! "$transcode" ${ul:+--undefined-lengths} "$f" "$ours" "${ts_uid[$ts]}" 2>"$tmp/err"; then
          fail "$base → $ts $ul: the project could not write it: $(cat "$tmp/err")"
          continue
        fi
        "$python" "$srcdir/dcmjson.py" dataset-bytes "$ref" "$ref.ds" \
          && "$python" "$srcdir/dcmjson.py" dataset-bytes "$ours" "$ours.ds" \
          || { fail "$base → $ts $ul: no data set bytes"; continue; }
        if cmp -s "$ref.ds" "$ours.ds"; then
          pass
        else
          fail "$base → $ts $ul: the data set bytes differ from dcmconv's:"
          show_byte_diff "$ref.ds" "$ours.ds"
        fi
      done
    done
  done
}

check_roundtrip () {
  local f
  for f in "$corpus"/*.dcm; do
    if "$transcode" --round-trip "$f" 2>"$tmp/err"; then
      pass
    else
      fail "$(basename "$f"): round trip:"
      sed 's/^/    /' "$tmp/err" | head -20
    fi
  done
}

check_text () {
  local f status
  for f in "$corpus"/*.dcm; do
    if ! "$dimse" dump "$f" >"$tmp/ours.txt" 2>"$tmp/err"; then
      fail "$(basename "$f"): dimse dump failed: $(cat "$tmp/err")"
      continue
    fi
    dcmdump "$f" >"$tmp/ref.txt" 2>/dev/null
    "$python" "$srcdir/dcmjson.py" outline "$tmp/ref.txt" >"$tmp/ref.outline"
    "$python" "$srcdir/dcmjson.py" outline "$tmp/ours.txt" >"$tmp/ours.outline"
    if diff -u "$tmp/ref.outline" "$tmp/ours.outline" >"$tmp/diff"; then
      pass
    else
      fail "$(basename "$f"): the elements dimse dump lists differ from dcmdump's (- dcmdump, + dimse):"
      sed 's/^/    /' "$tmp/diff" | head -40
    fi
  done
  "$dimse" dump "$corpus/all-vrs.ele.dcm" "$tmp/no-such-file.dcm" >/dev/null 2>"$tmp/err"
  status=$?
  if [ "$status" = 2 ] && grep -q "^dimse dump: $tmp/no-such-file.dcm: " "$tmp/err"; then
    pass
  else
    fail "a missing file: expected exit status 2 and 'dimse dump: FILE: …', got $status: $(cat "$tmp/err")"
  fi
  head -c 300 "$corpus/all-vrs.ele.dcm" >"$tmp/truncated.dcm"
  "$dimse" dump "$tmp/truncated.dcm" >/dev/null 2>"$tmp/err"
  status=$?
  if [ "$status" = 2 ] && grep -q "^dimse dump: $tmp/truncated.dcm: " "$tmp/err"; then
    pass
  else
    fail "a truncated file: expected exit status 2 and 'dimse dump: FILE: …', got $status: $(cat "$tmp/err")"
  fi
}

check_writer () {
  local made=$tmp/made f name tag ours theirs
  mkdir -p "$made"
  if ! "$transcode" --make "$made" 2>"$tmp/err"; then
    fail "the project could not make the files: $(cat "$tmp/err")"
  fi
  for f in "$made"/*.dcm; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .dcm); name=${name#made-}
    if ! dcmdump "$f" >/dev/null 2>"$tmp/err" || [ -s "$tmp/err" ]; then
      fail "made-$name: dcmdump complains:"
      sed 's/^/    /' "$tmp/err" | head -20
      continue
    fi
    if ! "$dimse" dump --json "$f" >"$tmp/act.json" 2>"$tmp/err"; then
      fail "made-$name: dimse dump --json failed: $(cat "$tmp/err")"
      continue
    fi
    if dcm2json -q -fc "$f" "$tmp/ref.json" 2>/dev/null \
        && ! "$python" "$srcdir/dcmjson.py" compare "$tmp/ref.json" "$tmp/act.json" >"$tmp/diff"; then
      fail "made-$name: dcm2json and dimse dump --json differ:"
      sed 's/^/    /' "$tmp/diff" | head -40
      continue
    fi
    for tag in 00100010 00080080; do
      theirs=$("$python" "$srcdir/dcmjson.py" element-bytes "$corpus/$name.ele.dcm" "$tag") || continue
      ours=$("$python" "$srcdir/dcmjson.py" element-bytes "$f" "$tag")
      if [ "$ours" != "$theirs" ]; then
        fail "made-$name ($tag): the encoded bytes differ from dump2dcm's:"
        echo "    dump2dcm: $theirs"
        echo "    project:  $ours"
        continue 2
      fi
    done
    pass
  done
}

case "$check" in
  json) check_json ;;
  dcmdump) check_dcmdump ;;
  bytes) check_bytes ;;
  roundtrip) check_roundtrip ;;
  text) check_text ;;
  writer) check_writer ;;
  *) echo "unknown check $check"; exit 2 ;;
esac

echo "$check: $passes passed, $failures failed"
[ "$failures" = 0 ]
