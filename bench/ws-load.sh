#!/usr/bin/env bash
# WebSocket fan-out load test: starts a fresh Portcullis on 127.0.0.1 (SQLite in a temporary
# directory), seeds a project, a server key, an agent, a workspace token and a thread of that
# workspace, then runs dev.portcullis.bench.WebSocketLoad in its own JVM: it opens N WebSocket
# connections authenticated with the workspace token (?token=), from several 127.0.0.x source
# addresses, subscribes each to the thread, starts one run of the echo agent and measures
# handshakes/s, connections held, the server's heap and RSS, and the fan-out latency of every
# message.delta at every subscriber (see bench/README.md). The result goes to
# bench/results/ws-load-<date>.json.
#
#   bench/ws-load.sh                          10,000 connections
#   CONNECTIONS=2000 bench/ws-load.sh         fewer
#   ECHO_DELAY_MS=5 SOURCES=4 INFLIGHT=256 SETTLE=3 HOLD=5 bench/ws-load.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
connections="${CONNECTIONS:-10000}"
echo_delay="${ECHO_DELAY_MS:-5}"
sources="${SOURCES:-4}"
inflight="${INFLIGHT:-256}"
settle="${SETTLE:-3}"
hold="${HOLD:-5}"
for v in "$connections" "$echo_delay" "$sources" "$inflight" "$settle" "$hold"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "ws-load.sh: CONNECTIONS, ECHO_DELAY_MS, SOURCES, INFLIGHT, SETTLE and HOLD are integers" >&2; exit 2; }
done
[ "$sources" -ge 1 ] && [ "$sources" -le 200 ] || { echo "ws-load.sh: SOURCES must be 1 to 200" >&2; exit 2; }

# Each connection is a file descriptor in the client and one in the server: both processes
# inherit this shell's soft limit, raised to the hard one (about 20,000 here).
hard="$(ulimit -Hn)"
ulimit -n "$hard"
if [ "$hard" != unlimited ] && [ "$((connections + 500))" -gt "$hard" ]; then
  echo "ws-load.sh: $connections connections need more than the open-files limit of $hard per process" >&2
  exit 2
fi

# Finding a JDK: the same search as ./portcullis ($JAVA_HOME, the java on PATH, /usr/lib/jvm/*).
java_major() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  local j; j="$(command -v java 2>/dev/null || true)"
  [ -n "$j" ] && candidates+=("$(dirname "$(dirname "$(readlink -f "$j")")")")
  for d in /usr/lib/jvm/*; do [ -d "$d" ] && candidates+=("$d"); done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      local v; v="$(java_major "$home/bin/java")"
      if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$home"; return 0; fi
    fi
  done
  return 1
}

if ! JAVA_HOME="$(find_jdk)"; then
  echo "ws-load.sh: no JDK 21 or newer found (looked at \$JAVA_HOME, the java on PATH and /usr/lib/jvm/*)." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

command -v curl >/dev/null || { echo "ws-load.sh: curl is needed; apt-get install curl" >&2; exit 1; }
work="$(mktemp -d -t portcullis-ws-load.XXXXXX)"
log="$work/server.log"
server_pid=""

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "ws-load.sh: $*" >&2
  if [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; then
    local status=0; wait "$server_pid" 2>/dev/null || status=$?
    echo "ws-load.sh: the server process has exited with status $status" >&2
    server_pid=""
  fi
  if [ -s "$log" ]; then echo "--- server log ---" >&2; tail -n 40 "$log" >&2; fi
  exit 1
}

# Build now (./portcullis builds when sources are newer than the jar), so that the start-up
# wait below times the server alone.
"$root/portcullis" --version >/dev/null

# A fresh data directory, so the server generates and prints an admin key; port 0 lets the
# kernel pick a free port, which the server announces. PORTCULLIS_* variables of the caller
# (an admin key, a PostgreSQL URL) are left out so that they cannot change what is measured.
unset_env=()
while IFS= read -r name; do unset_env+=(-u "$name"); done < <(compgen -e | grep '^PORTCULLIS_' || true)
# Every connection carries the same workspace token: the per-principal socket limit is lifted.
env "${unset_env[@]}" "$root/portcullis" serve --host 127.0.0.1 --port 0 --data "$work/data" --echo-delay-ms "$echo_delay" \
  --ws-max-sockets-per-principal 100000 >"$log" 2>&1 &
server_pid=$!

for _ in $(seq 600); do
  grep -q 'Portcullis listening on ' "$log" && break # a build's output may precede it on the line
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited during start-up"
  sleep 0.1
done
port="$(sed -n 's|^.*Portcullis listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" | head -n1)"
[ -n "$port" ] || fail "the server did not announce a port on 127.0.0.1 within 60 s"
admin_key="$(awk '/^Admin key/ { getline; print $1; exit }' "$log")"
[ -n "$admin_key" ] || fail "the server printed no admin key"
base="http://127.0.0.1:$port"

for _ in $(seq 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz" || true)" = 200 ] && break
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz" || true)" = 200 ] || fail "/healthz never answered 200"

api() { # METHOD PATH BEARER BODY: prints the response body; fails unless 2xx
  curl -sS --fail-with-body -X "$1" -H "Authorization: Bearer $3" \
    -H 'Content-Type: application/json' --data "$4" "$base$2" || fail "$1 $2 failed"
}
field() { # NAME: the first string field NAME of the JSON object on stdin
  grep -o "\"$1\":\"[^\"]*\"" | head -n1 | cut -d'"' -f4
}

project_id="$(api POST /v1/projects "$admin_key" '{"name":"ws-bench"}' | field id)"
[ -n "$project_id" ] || fail "no project id"
server_key="$(api POST "/v1/projects/$project_id/api-keys" "$admin_key" '{"name":"ws-bench"}' | field key)"
[ -n "$server_key" ] || fail "no server key"
agent_id="$(api POST /v1/agents "$server_key" '{"name":"echo"}' | field id)"
[ -n "$agent_id" ] || fail "no agent id"
token="$(api POST /v1/workspace-tokens "$server_key" '{"workspace_id":"ws-bench","ttl_seconds":3600}' | field token)"
[ -n "$token" ] || fail "no workspace token"
thread_id="$(api POST /v1/threads "$token" "{\"agent_id\":\"$agent_id\"}" | field id)"
[ -n "$thread_id" ] || fail "no thread id"

# The client: the benchmarks jar, built when a source is newer.
if [[ ! -f "$root/bench/target/benchmarks.jar" || -n "$(find "$root/store/src" "$root/core/src" "$root/bench/src" -newer "$root/bench/target/benchmarks.jar" -print -quit)" ]]; then
  (cd "$root" && mvn -B -ntp -q -pl bench -am package -DskipTests) >&2 || fail "building the benchmarks jar failed"
fi

mkdir -p "$root/bench/results"
result="$root/bench/results/ws-load-$(date +%Y%m%d-%H%M%S).json"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "ws-load.sh: server on $base (pid $server_pid, open-files limit $(ulimit -n)); $connections connections..." >&2
status=0
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx4g -Djdk.httpclient.HttpClient.log=none \
  -cp "$root/bench/target/benchmarks.jar" dev.portcullis.bench.WebSocketLoad \
  base="$base" token="$token" thread="$thread_id" pid="$server_pid" db="$work/data/portcullis.db" \
  connections="$connections" sources="$sources" inflight="$inflight" settle="$settle" hold="$hold" \
  out="$work/client.json" || status=$?
kill -0 "$server_pid" 2>/dev/null || fail "the server died during the run"
load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
[ -s "$work/client.json" ] || fail "the client wrote no result (exit status $status)"
{
  echo "{"
  echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo "  \"commit\": \"$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')\","
  echo "  \"java\": \"$("$JAVA_HOME/bin/java" -version 2>&1 | head -n1 | tr -d '"')\","
  echo "  \"cores\": $(nproc), \"echo_delay_ms\": $echo_delay, \"open_files_limit\": \"$(ulimit -n)\","
  echo "  \"load_average_before\": \"$load_before\", \"load_average_after\": \"$load_after\","
  echo "  \"client\": $(cat "$work/client.json")"
  echo "}"
} >"$result"
stop_server
echo "ws-load.sh: written to ${result#"$root"/}" >&2
awk '/"(handshakes_ok|handshakes_failed|handshake_rate_per_s|connections_held_after_run|subscribers_with_run_completed|deltas_missing|p50|p99|heap_used_mib|rss_mib)"/' "$result" >&2
exit "$status"
