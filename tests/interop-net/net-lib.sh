# net-lib.sh — what the interop-net scripts share; sourced right after
# `set -u`. A script may define its own variant of any of these after it.

fail () {
  echo "FAIL: $*"
  exit 1
}

# A temporary folder in $tmp and the background processes a script puts in
# $pids: stopped, waited for and removed when the script exits (a script
# with more to undo sets its own EXIT trap and calls cleanup from it).
net_init () {
  tmp=$(mktemp -d)
  pids=()
  trap cleanup EXIT
  trap 'exit 1' INT TERM
}

cleanup () {
  for pid in "${pids[@]}"; do
    kill "$pid" 2> /dev/null
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2> /dev/null
  done
  rm -rf "$tmp"
}

# A port nobody listens on right now.
free_port () {
  local port
  for _ in $(seq 1 50); do
    port=$((10000 + RANDOM % 22000))
    if ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# Waits until pid listens on port; fails at once when pid has exited
# (another test may have taken the port first).
wait_for_port () {
  local port=$1 pid=$2
  for _ in $(seq 1 100); do
    (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && return 0
    kill -0 "$pid" 2> /dev/null || return 1
    sleep 0.1
  done
  fail "nothing listens on port $port after 10 s"
}

# Runs a command bounded in time, its output in $tmp/run.out and .err.
run () {
  local rc=0
  timeout 60 "$@" > "$tmp/run.out" 2> "$tmp/run.err" || rc=$?
  return $rc
}

expect_exit () {
  local want=$1 rc=0
  shift
  run "$@" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    cat "$tmp/run.out" "$tmp/run.err"
    fail "$* exited with $rc, expected $want"
  fi
}


# Starts `dimse ARGS…` in the background with its output in $tmp/NAME.out and
# .err (an earlier server's are removed first, so that its "Listening" line
# is never read for this one); sets port from what it prints and
# server_pid.
start_dimse_as () {
  local name=$1
  shift
  rm -f "$tmp/$name.out" "$tmp/$name.err"
  "$dimse" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 100); do
    port=$(grep -o -E '(port |on [^ ]*:)[0-9]+' "$tmp/$name.out" | head -1 | grep -o -E '[0-9]+$')
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2> /dev/null || break
    sleep 0.1
  done
  cat "$tmp/$name.err"
  fail "dimse $1 did not start"
}

# make_ct_instance FILE UID_ROOT NAME ID: a small CT Image Storage Part 10
# file, its study, series and instance UIDs UID_ROOT, UID_ROOT.1 and
# UID_ROOT.1.1, made by DCMTK's dump2dcm.
make_ct_instance () {
  local file=$1 root=$2 name=$3 id=$4
  cat > "$file.dump" <<DUMP
(0002,0001) OB 00\01
(0002,0002) UI =CTImageStorage
(0002,0003) UI [$root.1.1]
(0002,0010) UI =LittleEndianExplicit
(0008,0016) UI =CTImageStorage
(0008,0018) UI [$root.1.1]
(0008,0060) CS [CT]
(0010,0010) PN [$name]
(0010,0020) LO [$id]
(0020,000d) UI [$root]
(0020,000e) UI [$root.1]
DUMP
  dump2dcm +te "$file.dump" "$file" > /dev/null || fail "dump2dcm failed"
  rm -f "$file.dump"
}
