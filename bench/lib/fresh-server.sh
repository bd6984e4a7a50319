# Shared by bench/load.sh and bench/ws-load.sh (sourced, not run): finds a JDK, starts a fresh
# Portcullis on 127.0.0.1 with its own SQLite data directory, and seeds a project, a server key
# and an echo agent. The caller sets $root (the repository) and $bench_name (for messages).

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

use_jdk() { # exports JAVA_HOME and PATH, or exits saying what is missing
  if ! JAVA_HOME="$(find_jdk)"; then
    echo "$bench_name: no JDK 21 or newer found (looked at \$JAVA_HOME, the java on PATH and /usr/lib/jvm/*)." >&2
    exit 1
  fi
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
  command -v curl >/dev/null || { echo "$bench_name: curl is needed; apt-get install curl" >&2; exit 1; }
}

work="$(mktemp -d -t "portcullis-${bench_name%.sh}.XXXXXX")"
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
  echo "$bench_name: $*" >&2
  if [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; then
    local status=0; wait "$server_pid" 2>/dev/null || status=$?
    echo "$bench_name: the server process has exited with status $status" >&2
    server_pid=""
  fi
  if [ -s "$log" ]; then echo "--- server log ---" >&2; tail -n 40 "$log" >&2; fi
  exit 1
}

start_fresh_server() { # FLAGS...: starts the server with FLAGS; sets server_pid, base and admin_key
  # Build now (./portcullis builds when sources are newer than the jar), so that the start-up
  # wait below times the server alone.
  "$root/portcullis" --version >/dev/null
  # A fresh data directory, so the server generates and prints an admin key; port 0 lets the
  # kernel pick a free port, which the server announces. PORTCULLIS_* variables of the caller
  # (an admin key, a PostgreSQL URL) are left out so that they cannot change what is measured.
  local unset_env=() name
  while IFS= read -r name; do unset_env+=(-u "$name"); done < <(compgen -e | grep '^PORTCULLIS_' || true)
  env "${unset_env[@]}" "$root/portcullis" serve --host 127.0.0.1 --port 0 --data "$work/data" "$@" >"$log" 2>&1 &
  server_pid=$!

  for _ in $(seq 600); do
    grep -q 'Portcullis listening on ' "$log" && break # a build's output may precede it on the line
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited during start-up"
    sleep 0.1
  done
  local port
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
}

api() { # METHOD PATH BEARER BODY: prints the response body; fails unless 2xx
  curl -sS --fail-with-body -X "$1" -H "Authorization: Bearer $3" \
    -H 'Content-Type: application/json' --data "$4" "$base$2" || fail "$1 $2 failed"
}
field() { # NAME: the first string field NAME of the JSON object on stdin
  grep -o "\"$1\":\"[^\"]*\"" | head -n1 | cut -d'"' -f4
}

seed_project() { # NAME: sets project_id, server_key and agent_id (an echo agent)
  project_id="$(api POST /v1/projects "$admin_key" "{\"name\":\"$1\"}" | field id)"
  [ -n "$project_id" ] || fail "no project id"
  server_key="$(api POST "/v1/projects/$project_id/api-keys" "$admin_key" "{\"name\":\"$1\"}" | field key)"
  [ -n "$server_key" ] || fail "no server key"
  agent_id="$(api POST /v1/agents "$server_key" '{"name":"echo"}' | field id)"
  [ -n "$agent_id" ] || fail "no agent id"
}
