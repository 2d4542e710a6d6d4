#!/usr/bin/env bash
# potfiles.sh SRCDIR — every source file of the tool and the application
# with a translatable string is in po/POTFILES.in, so its messages reach the
# translators. Exit 0 pass, 1 fail.
set -u
srcdir=$1
cd "$srcdir" || exit 1
missing=0
for f in $(grep -lE '\b(N_|_|C_|NC_)[[:space:]]*\([[:space:]]*"' src/cli/*.c src/app/*.c 2> /dev/null) \
         $(grep -l 'translatable="yes"' ui/*.ui 2> /dev/null); do
  if ! grep -qxF "$f" po/POTFILES.in; then
    echo "FAIL: $f has translatable strings but is not in po/POTFILES.in"
    missing=1
  fi
done
while read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  [ -e "$f" ] || { echo "FAIL: po/POTFILES.in lists $f, which does not exist"; missing=1; }
done < po/POTFILES.in
[ "$missing" -eq 0 ] && echo "PASS: po/POTFILES.in lists every file with translatable strings"
exit "$missing"
