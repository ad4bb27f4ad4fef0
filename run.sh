#!/usr/bin/env bash
# Sets everything up, builds, and runs the dcmlens viewer: on the files and folders given, or,
# with no argument, on a built-in demo CT stack. Arguments that name a command (info, render,
# dump-stored) run that command instead.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
bash scripts/build.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && { [ $# -eq 0 ] || [ -e "$1" ]; }; then
  echo "run.sh: no display to open the viewer on (DISPLAY is not set)." >&2
  echo "  From a desktop session it opens a window; here you can try it under a virtual display:" >&2
  echo "    xvfb-run -a ./build/dcmlens   (and take a screenshot with: import -window root shot.png)" >&2
  echo "  or use the command line: ./build/dcmlens render FILE -o out.png" >&2
  exit 1
fi
exec ./build/dcmlens "$@"
