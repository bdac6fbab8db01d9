#!/usr/bin/env bash
# Seconds from launch to the main window being mapped on the X display, for the packaging README's figures:
#   DISPLAY=:98 packaging/measure-start.sh RUNS COMMAND [ARGS...]
# Each run starts COMMAND, polls the X server (xwininfo) every 20 ms until a window titled "Horus" is
# viewable, prints the seconds, and stops the app. Use the same store and settings for every command
# compared (HORUS_DB, HORUS_SETTINGS), already holding the demo project.
set -euo pipefail
runs="$1"
shift
command -v xwininfo >/dev/null || { echo "measure-start: needs xwininfo (apt-get install x11-utils)" >&2; exit 1; }
for _ in $(seq 1 "$runs"); do
    start=$(date +%s.%N)
    setsid "$@" >"${MEASURE_LOG:-/dev/null}" 2>&1 &
    pid=$!
    until xwininfo -name Horus 2>/dev/null | grep -q 'Map State: IsViewable'; do
        kill -0 "$pid" 2>/dev/null || { echo "measure-start: the app exited before showing a window" >&2; exit 1; }
        sleep 0.02
    done
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l | xargs printf '%.2f\n'
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    sleep 1
done
