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

