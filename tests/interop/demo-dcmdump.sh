#!/bin/bash
# demo-dcmdump.sh MAKE_DEMO — dcmdump reads every file of the demo archive
# (the default 36 patients with small images, and 6 patients at full size)
# without a word on stderr, finds every modality, and shows patient names
# in the bytes of their character set: ISO_IR 100 and ISO_IR 192 as iconv
# recodes them, ISO 2022 IR 87 as PS3.5 H.3.1 spells them. (dcmdump +U8
# cannot convert ISO 2022 IR 87 with glibc's iconv, so names are compared
# unconverted.) Exit 77 (skip) when dcmdump or iconv is missing.
set -uo pipefail

make_demo=$1

for tool in dcmdump iconv; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not found"
    exit 77
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dimse-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

failures=0
fail () {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Patient's Name as dcmdump prints it unconverted: the UTF-8 name recoded
# by iconv into the file's character set.
expect_name () {
  local folder=$1 encoding=$2 name=$3 raw
  raw=$(printf '%s' "$name" | iconv -f UTF-8 -t "$encoding") || { fail "iconv $encoding"; return; }
  if ! LC_ALL=C grep -qaF "(0010,0010) PN [$raw]" "$tmp/dump.txt"; then
    fail "$folder: dcmdump never shows Patient's Name [$name] in $encoding"
  fi
}

check_archive () {
  local folder=$1 expected=$2 n modality
  n=$(find "$folder" -type f -name '*.dcm' | wc -l)
  if [ "$n" -ne "$expected" ]; then
    fail "$folder: make-demo said $expected instances, found $n files"
  fi
  # One dcmdump per batch of files; any word on stderr sends us back
  # through them one at a time to name the culprit.
  find "$folder" -type f -name '*.dcm' -print0 | sort -z \
    | xargs -0 -n 100 dcmdump >"$tmp/dump.txt" 2>"$tmp/stderr.txt"
  if [ -s "$tmp/stderr.txt" ]; then
    while IFS= read -r -d '' f; do
      if [ -n "$(dcmdump "$f" 2>&1 >/dev/null)" ]; then
        fail "dcmdump complains about $f: $(dcmdump "$f" 2>&1 >/dev/null | head -3)"
      fi
    done < <(find "$folder" -type f -name '*.dcm' -print0)
  fi
  for modality in CT MR CR US; do
    if ! grep -qaF "(0008,0060) CS [$modality]" "$tmp/dump.txt"; then
      fail "$folder: no $modality instance"
    fi
  done
  expect_name "$folder" ISO-8859-1 'Müller^Jürgen'
  expect_name "$folder" UTF-8 'Papadopoulos^Giorgos=Παπαδόπουλος^Γιώργος'
  # PS3.5 H.3.1, byte for byte: each ideographic and phonetic component
  # between ESC $ B and ESC ( B.
  # shellcheck disable=SC2016 # the dollars are JIS X 0208 bytes
  if ! LC_ALL=C grep -qaF "$(printf '(0010,0010) PN [Yamada^Tarou=\033$B;3ED\033(B^\033$BB@O:\033(B=\033$B$d$^$@\033(B^\033$B$?$m$&\033(B]')" "$tmp/dump.txt"; then
    fail "$folder: Yamada^Tarou is not encoded as in PS3.5 H.3.1"
  fi
  if ! LC_ALL=C grep -qaF '(0008,0005) CS [\ISO 2022 IR 87]' "$tmp/dump.txt"; then
    fail "$folder: no Specific Character Set \\ISO 2022 IR 87"
  fi
}

n=$("$make_demo" "$tmp/small" --small) || { echo "FAIL: make-demo --small"; exit 1; }
check_archive "$tmp/small" "$n"
expect_name "$tmp/small" ISO-8859-1 'Ørsted^Åse'
expect_name "$tmp/small" ISO-8859-1 'Jónsdóttir^Guðrún'
expect_name "$tmp/small" UTF-8 'Wang^XiaoDong=王^小東'

n=$("$make_demo" "$tmp/full" --patients 6) || { echo "FAIL: make-demo --patients 6"; exit 1; }
check_archive "$tmp/full" "$n"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "PASS: dcmdump reads every demo file cleanly"
