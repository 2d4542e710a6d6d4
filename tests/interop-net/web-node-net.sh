#!/usr/bin/env bash
# `dimse qido NAME`: the URL of the DICOMweb subcommands as the name of a
# DICOMweb node of the application's node list ($XDG_CONFIG_HOME/dimsebench/
# nodes.json, here in a temporary folder), against `dimse serve --demo
# --http-port` on 127.0.0.1. Needs no other peer.
# Usage: web-node-net.sh DIMSE
# Exit 0 pass, 1 fail.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/net-lib.sh"

dimse=$1

net_init

run () {
  timeout 120 "$@" > "$tmp/run.out" 2> "$tmp/run.err"
}

expect_error () {
  grep -qF -- "$1" "$tmp/run.err" || { cat "$tmp/run.err"; fail "no “$1” in the error"; }
}

export XDG_CONFIG_HOME=$tmp/config
unset DIMSE_WEB_PASSWORD DIMSE_WEB_TOKEN
mkdir -p "$XDG_CONFIG_HOME/dimsebench"

"$dimse" serve --demo --demo-dir "$tmp/demo" --port 0 --http-port 0 \
  > "$tmp/serve.out" 2> "$tmp/serve.err" &
pids+=($!)
base=
for _ in $(seq 1 600); do
  base=$(sed -n 's/^DICOMweb on \(http:[^ ]*\)$/\1/p' "$tmp/serve.out")
  [ -n "$base" ] && break
  kill -0 "${pids[0]}" 2> /dev/null || break
  sleep 0.2
done
[ -n "$base" ] || { cat "$tmp/serve.out" "$tmp/serve.err"; fail "dimse serve --demo --http-port did not start"; }

# A DIMSE node, a DICOMweb node without authentication and one with HTTP
# basic authentication, as the application writes them (kind 1: DICOMweb;
# auth 1: basic), the secret not in the file.
node_list=$XDG_CONFIG_HOME/dimsebench/nodes.json
cat > "$node_list" <<JSON
{ "version": 1, "nodes": [
  { "name": "Modality", "ae-title": "CT1", "host": "127.0.0.1", "port": 104, "kind": 0 },
  { "name": "Demo Web", "kind": 1, "url": "$base", "auth": 0, "username": "", "tls-ca": "",
    "ae-title": "ANY-SCP", "host": "", "port": 104 },
  { "name": "Locked Web", "kind": 1, "url": "$base", "auth": 1, "username": "alice",
    "tls-ca": "", "ae-title": "ANY-SCP", "host": "", "port": 104 }
] }
JSON

# The node by name (without regard to case) answers as its URL does.
expect_exit 0 "$dimse" qido --json "$base"
cp "$tmp/run.out" "$tmp/by-url.json"
grep -q '"0020000D"' "$tmp/by-url.json" || { cat "$tmp/by-url.json"; fail "the demo archive listed no study"; }
expect_exit 0 "$dimse" qido --json "demo web"
cmp -s "$tmp/by-url.json" "$tmp/run.out" || { diff "$tmp/by-url.json" "$tmp/run.out"; fail "qido by node name differs from qido by URL"; }
expect_exit 0 "$dimse" qido "Demo Web"
grep -q "StudyInstanceUID" "$tmp/run.out" || { cat "$tmp/run.out"; fail "qido by node name listed no study"; }
echo "qido by node name: $(grep -c '"0020000D"' "$tmp/by-url.json") studies, as by URL"

# An unknown name: exit 2, the file and the DICOMweb nodes named.
expect_exit 2 "$dimse" qido "No Such Node"
expect_error "$node_list"
expect_error "“Demo Web”, “Locked Web”"
grep -qF "Modality" "$tmp/run.err" && fail "a DIMSE node was listed among the DICOMweb nodes"

# A DIMSE node given to qido, a DICOMweb node given to echo: exit 2, said so.
expect_exit 2 "$dimse" qido Modality
expect_error "DIMSE node"
expect_exit 2 "$dimse" echo "Demo Web"
expect_error "DICOMweb node"

# Basic authentication: the password is not in the file; without it, exit 2
# naming where to give it; with it in the environment, the search runs.
expect_exit 2 "$dimse" qido "Locked Web"
expect_error "DIMSE_WEB_PASSWORD"
DIMSE_WEB_PASSWORD=wonderland expect_exit 0 "$dimse" qido --json "Locked Web"
cmp -s "$tmp/by-url.json" "$tmp/run.out" || fail "qido of the node with a password differs"

# --help says where a node's secret comes from.
expect_exit 0 "$dimse" qido --help
grep -q "DIMSE_WEB_TOKEN" "$tmp/run.out" || { cat "$tmp/run.out"; fail "--help does not name \$DIMSE_WEB_TOKEN"; }
echo "PASS"
