#!/usr/bin/env bash
# Loopback load test: starts a fresh Portcullis on 127.0.0.1 (SQLite in a temporary directory),
# seeds a project, a server key, an agent and a thread, then drives six routes with wrk:
#   GET /healthz             no credential: the HTTP floor (Jetty, Javalin, routing, JSON)
#   GET /healthz (+header)   the same with an Authorization header as long as a workspace
#                            token, which /healthz ignores: what carrying the token costs HTTP
#   GET /v1/me               server key: the floor plus authentication and authorization
#   GET /v1/threads/{id}     server key: the same plus one database read
#   GET /v1/me (workspace)   a workspace token (EdDSA JWT) minted by the server key: its first
#                            request checks the signature, the others hit the verified-token cache
#   GET /v1/me (client)      a client token (pc_ck_) minted by the server key for the agent: its
#                            first request reads the database, the others hit the token cache
# and prints requests/s, p50 and p99 of each, and their ratios to /healthz. The result goes
# to bench/results/load-<date>.txt. wrk and the server share the machine: compare the ratios
# of one run, not absolute figures across machines.
#
#   bench/load.sh                          10 s per route after a 5 s warm-up of each
#   DURATION=30 WARMUP=10 bench/load.sh    seconds (a trailing "s" is accepted), at most 300
#   THREADS=2 CONNECTIONS=32 bench/load.sh wrk's -t and -c
#   ROUNDS=3 bench/load.sh                 interleaved rounds; each figure is the median round
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

seconds() { # validates $2 (the value of variable $1) as a bounded duration and prints it in seconds
  local s="${2%s}"
  if ! [[ "$s" =~ ^[0-9]+$ ]] || [ "$s" -lt 1 ] || [ "$s" -gt 300 ]; then
    echo "load.sh: $1 must be 1 to 300 seconds (for example 10s), not '$2'" >&2
    exit 2
  fi
  echo "$s"
}
duration="$(seconds DURATION "${DURATION:-10s}")"
warmup="$(seconds WARMUP "${WARMUP:-5s}")"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-32}"
[[ "$threads" =~ ^[1-9][0-9]*$ && "$connections" =~ ^[1-9][0-9]*$ ]] \
  || { echo "load.sh: THREADS and CONNECTIONS must be positive integers" >&2; exit 2; }

bench_name=load.sh
# shellcheck source=lib/fresh-server.sh
source "$root/bench/lib/fresh-server.sh"
use_jdk

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "load.sh: wrk is needed; as root: apt-get install wrk" >&2
    exit 1
  fi
  echo "load.sh: installing wrk..." >&2
  apt-get update -qq && apt-get install -y -qq wrk >&2
fi

start_fresh_server
seed_project bench
thread_id="$(api POST /v1/threads "$server_key" "{\"agent_id\":\"$agent_id\"}" | field id)"
[ -n "$thread_id" ] || fail "no thread id"

mint_workspace_token() { # sets auth[3] to a new workspace token, valid for an hour
  local token
  token="$(api POST /v1/workspace-tokens "$server_key" '{"workspace_id":"bench","ttl_seconds":3600}' | field token)"
  [ -n "$token" ] || fail "no workspace token"
  auth[3]="Authorization: Bearer $token"
}

mint_client_token() { # sets auth[5] to a new client token for the agent, valid for an hour
  local token expires
  expires="$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"
  token="$(api POST /v1/client-tokens "$server_key" "{\"policy\":[{\"type\":\"agent\",\"id\":\"$agent_id\",\"access\":[\"read_messages\",\"write_messages\"]}],\"expires_at\":\"$expires\"}" | field token)"
  [ -n "$token" ] || fail "no client token"
  auth[5]="Authorization: Bearer $token"
}

routes=(0 1 2 3 4 5)
labels=("GET /healthz" "GET /v1/me" "GET /v1/threads/{id}" "GET /v1/me (workspace)" "GET /healthz (+header)"
  "GET /v1/me (client)")
urls=("$base/healthz" "$base/v1/me" "$base/v1/threads/$thread_id" "$base/v1/me" "$base/healthz" "$base/v1/me")
auth=("" "Authorization: Bearer $server_key" "Authorization: Bearer $server_key" "" "" "")
mint_workspace_token
mint_client_token
# Letters and digits in the token's proportions, so that the HTTP parser sees alike bytes.
auth[4]="Authorization: Bearer $(tr 'A-Za-z0-9' 'B-Za-zA1-90' <<<"${auth[3]#Authorization: Bearer }")"

# A route that answers 401 or 404 would look fast and mean nothing: check each first.
for i in "${routes[@]}"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' ${auth[$i]:+-H "${auth[$i]}"} "${urls[$i]}" || true)"
  [ "$code" = 200 ] || fail "${labels[$i]} answered $code before the run"
done

wrk_run() { # INDEX SECONDS: runs wrk against route INDEX and prints its report
  wrk -t"$threads" -c"$connections" -d"$2s" --latency ${auth[$1]:+-H "${auth[$1]}"} "${urls[$1]}"
}
to_ms() { # a wrk latency such as 812.00us, 1.52ms or 1.01s, in milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "load.sh: server on $base (pid $server_pid); warming up ${warmup}s per route..." >&2
for i in "${routes[@]}"; do
  wrk_run "$i" "$warmup" >/dev/null || fail "wrk failed warming up ${labels[$i]}"
done

# Routes are measured in interleaved rounds (A B C D, A B C D, ...) and each figure is the median
# round's, so that JIT warm-up and other load on the machine skew all routes alike. Each round
# mints a new workspace token and client token, so that long runs never outlive one (one
# signature check and one database read a round).
rounds="${ROUNDS:-3}"
[[ "$rounds" =~ ^[1-9]$ ]] || fail "ROUNDS must be 1 to 9"
declare -A all_rps all_p50 all_p99
bad=(0 0 0 0 0 0); raw=("" "" "" "" "" "")
for r in $(seq "$rounds"); do
  mint_workspace_token
  mint_client_token
  for i in "${routes[@]}"; do
    echo "load.sh: round $r/$rounds, measuring ${labels[$i]} for ${duration}s..." >&2
    out="$(wrk_run "$i" "$duration")" || fail "wrk failed against ${labels[$i]}"
    kill -0 "$server_pid" 2>/dev/null || fail "the server died during the run"
    raw[$i]+="$out"$'\n'
    all_rps[$i,$r]="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
    all_p50[$i,$r]="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
    all_p99[$i,$r]="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
    # Non-2xx answers and socket errors, which would make the figures meaningless.
    n="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")"
    bad[$i]=$(( ${bad[$i]} + n ))
  done
done
rps=(); p50=(); p99=()
for i in "${routes[@]}"; do
  # the round whose req/s is the median of this route's rounds
  median_round="$(for r in $(seq "$rounds"); do echo "${all_rps[$i,$r]} $r"; done | sort -n | awk -v m=$(( (rounds + 1) / 2 )) 'NR == m { print $2 }')"
  rps+=("${all_rps[$i,$median_round]}"); p50+=("${all_p50[$i,$median_round]}"); p99+=("${all_p99[$i,$median_round]}")
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
stop_server

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

mkdir -p "$root/bench/results"
result="$root/bench/results/load-$(date +%Y%m%d-%H%M%S).txt"
{
  echo "Portcullis loopback load, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')," \
    "$("$JAVA_HOME/bin/java" -version 2>&1 | head -n1), $(nproc) cores shared by wrk and the server"
  echo "wrk -t$threads -c$connections -d${duration}s --latency, after ${warmup}s of warm-up per route; SQLite;" \
    "median of $rounds interleaved rounds"
  echo "load average before $load_before, after $load_after (other work on the machine skews every figure)"
  echo
  printf '%-22s %12s %10s %10s %8s\n' endpoint 'req/s' 'p50 ms' 'p99 ms' errors
  for i in "${routes[@]}"; do
    printf '%-22s %12s %10s %10s %8s\n' "${labels[$i]}" "${rps[$i]}" "${p50[$i]}" "${p99[$i]}" "${bad[$i]}"
  done
  echo
  echo "req/s ratio me/healthz             $(ratio "${rps[1]}" "${rps[0]}")"
  echo "req/s ratio thread/healthz         $(ratio "${rps[2]}" "${rps[0]}")"
  echo "req/s ratio me(workspace)/healthz  $(ratio "${rps[3]}" "${rps[0]}")"
  echo "req/s ratio healthz(+header)/healthz $(ratio "${rps[4]}" "${rps[0]}")   (carrying the token, no authentication)"
  echo "req/s ratio me(workspace)/healthz(+header) $(ratio "${rps[3]}" "${rps[4]}")   (authentication and the larger body)"
  echo "req/s ratio me(client)/healthz     $(ratio "${rps[5]}" "${rps[0]}")"
} | tee "$result"
{
  echo
  echo "--- wrk reports ---"
  for i in "${routes[@]}"; do echo; echo "${labels[$i]}"; echo "${raw[$i]}"; done
} >>"$result"
echo "load.sh: written to ${result#"$root"/}" >&2
for i in "${routes[@]}"; do
  [ "${bad[$i]}" = 0 ] || { echo "load.sh: ${labels[$i]} had ${bad[$i]} errors or non-2xx answers" >&2; exit 1; }
done
