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

bench_name=ws-load.sh
# shellcheck source=lib/fresh-server.sh
source "$root/bench/lib/fresh-server.sh"
use_jdk

# Every connection carries the same workspace token: the per-principal socket limit is lifted.
start_fresh_server --echo-delay-ms "$echo_delay" --ws-max-sockets-per-principal 100000
seed_project ws-bench
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
