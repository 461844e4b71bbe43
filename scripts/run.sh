#!/usr/bin/env bash
# Starts the simulator and the proxy (serving the built widget) until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${CARDFILE_PORT:-8080}
sim_port=${CARDFILE_SIM_PORT:-8090}
export CARDFILE_PORT=$port
export CARDFILE_SIM_URL="http://127.0.0.1:$sim_port"
# Demo credentials, known to the simulator; a variable already set in the environment wins.
while IFS='=' read -r name value; do
  case "$name" in ''|'#'*) continue ;; esac
  [ -n "${!name:-}" ] || export "$name=$value"
done < config/demo.env

pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

target/debug/cardfile-sim --port "$sim_port" --contacts "${CARDFILE_SIM_CONTACTS:-10000}" &
pids+=($!)
target/debug/cardfile-proxy --config "${CARDFILE_CONFIG:-config/demo.toml}" &
pids+=($!)

for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
echo
echo "cardfile is running: http://127.0.0.1:$port/   (the widget alone: http://127.0.0.1:$port/widget/)"
echo "Ctrl-C stops it."
wait -n "${pids[@]}"
