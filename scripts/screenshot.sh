#!/bin/sh
# screenshot.sh TRACE OUT.png [ACTIONS]: builds the release binary, runs the
# viewer on TRACE under Xvfb and writes a screenshot of its window.
# ACTIONS (optional) is a shell snippet run with $W set to the window id
# before the shot, e.g. 'xdotool mousemove --sync 120 300 click 1; sleep 1'.
# PROFILE=debug uses a debug build (quicker to build; default: release).
# Views: add `--tab NAME` through ARGS (e.g. ARGS="--tab mmu"), or press
# keys 1 to 8 in ACTIONS (xdotool key 4).
# Needs: xvfb xauth xdotool imagemagick libegl1 libegl-mesa0 libgl1-mesa-dri.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
trace=$(realpath "$1")
out=$(realpath -m "$2")
actions=${3:-}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$here/target}
profile=${PROFILE:-release}
if [ "$profile" = debug ]; then
  (cd "$here" && cargo build --quiet)
else
  (cd "$here" && cargo build --release --quiet)
fi
bin=$CARGO_TARGET_DIR/$profile/gotraceview
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg-runtime-$(id -u)}
mkdir -m700 -p "$XDG_RUNTIME_DIR"
# Keep the user's recent-files list out of screenshots.
export GOTRACEVIEW_CONFIG_DIR=$(mktemp -d)
export BIN="$bin" TRACE="$trace" OUT="$out" ACTIONS="$actions" GTV_ARGS="${ARGS:-}"
xvfb-run -a -s "-screen 0 1600x1000x24" sh -c '
  "$BIN" $GTV_ARGS "$TRACE" & P=$!
  W=$(xdotool search --sync --name "^gotraceview$" | head -1)
  xdotool windowsize --sync "$W" 1600 1000 || true
  sleep 4
  if [ -n "$ACTIONS" ]; then eval "$ACTIONS"; fi
  sleep 1
  import -window "$W" "$OUT"
  kill $P'
rm -rf "$GOTRACEVIEW_CONFIG_DIR"
echo "wrote $out"
