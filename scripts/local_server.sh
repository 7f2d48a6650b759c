# Sourced by scripts/e2e.sh and first_page.sh: starts a built server binary on a loopback
# port with a state folder of its own, stops it (and removes the folder) when the calling
# script exits, and waits until it answers /api/v1/health.
#
#   start_local_server BINARY SITE_DIR PORT WAIT_SECONDS
# Sets `server_pid` and `server_state` (the state folder; the server's log is
# $server_state/server.log). Extra environment for the server goes before the call:
#   LEPTOS_ENV=PROD start_local_server target/release/exoplanet-playground target/site 3107 60
start_local_server() {
  local binary=$1 site=$2 port=$3 wait_seconds=$4
  server_state="$(mktemp -d)"
  LEPTOS_OUTPUT_NAME=exoplanet-playground LEPTOS_SITE_ROOT="$site" LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" EXO_STATE_DIR="$server_state" \
    "$binary" >"$server_state/server.log" 2>&1 &
  server_pid=$!
  trap stop_local_server EXIT

  local tries
  for tries in $(seq 1 $((wait_seconds * 2))); do
    # python3 rather than curl: it is on every machine of this kind.
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "http://127.0.0.1:$port/api/v1/health" 2>/dev/null; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "the server did not answer on 127.0.0.1:$port within $wait_seconds s (or stopped); its log:" >&2
  cat "$server_state/server.log" >&2
  exit 1
}

stop_local_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$server_state"
}
