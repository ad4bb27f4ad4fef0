#!/usr/bin/env bash
# Sets everything up, builds, and runs dcmlens. With no argument it shows the built-in demo.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
bash scripts/build.sh
if [ $# -gt 0 ]; then
  exec ./build/dcmlens "$@"
fi
# The interactive viewer is not built yet: show what dcmlens decodes and renders on a sample.
sample=/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm
./build/dcmlens info "$sample"
./build/dcmlens render "$sample" -o dcmlens-demo.png --cpu --size 512x512
echo "rendered $sample to $(pwd)/dcmlens-demo.png"
