#!/usr/bin/env bash
# Installs every Debian package dcmlens needs to build, run and test (Debian 12, as root).
# Idempotent: when everything is already installed it does nothing and touches no network.
set -euo pipefail

packages=(
  # build
  cmake g++ make pkg-config clang-format
  libdcmtk-dev dcmtk libopenjp2-7-dev
  libglfw3-dev libimgui-dev libstb-dev libpng-dev libgtest-dev
  # find_package(OpenGL COMPONENTS OpenGL EGL) needs libOpenGL.so (libopengl-dev), which
  # libgl-dev does not pull in without recommends
  libegl-dev libgl-dev libopengl-dev libegl-mesa0 libgl1-mesa-dri python3-glad
  libcurl4-openssl-dev
  # fuzzing: libFuzzer with ASan/UBSan (tests/fuzz/run_fuzzers.sh), its symbolizer
  clang-16 libclang-rt-16-dev llvm-16
  # tests: reference renderers and encoders, the pydicom corpus, a display for the window
  libgdcm-tools openjph-tools python3-pydicom python3-numpy python3-pil python3-scipy
  xvfb xauth xdotool imagemagick
  # xrdb: the HiDPI test sets Xft.dpi, where GLFW reads the monitor's content scale
  x11-xserver-utils
  # the format check's self-test runs it inside a git checkout and without git
  git
  # benchmarks: VTK's reslice as the MPR peer (bench/mpr_vs_vtk.py)
  python3-vtk9
  # PACS tests: a real Orthanc with its DICOMweb plugin, started by the tests themselves inside a
  # private network namespace (iproute2 brings its loopback up)
  orthanc orthanc-dicomweb iproute2 curl
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Installing orthanc starts its system service (every interface, Debian's configuration): the
# tests run their own. Without systemd, a policy-rc.d that exits 101 keeps invoke-rc.d from
# starting it; one is made for the install only, and an existing one is never touched.
made_policy=0
if [ ! -d /run/systemd/system ] && [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# made by dcmlens scripts/setup.sh for one install\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  made_policy=1
fi
status=0
apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}" || status=$?
if [ "$made_policy" = 1 ]; then
  rm -f /usr/sbin/policy-rc.d
fi
if [ -d /run/systemd/system ] && systemctl list-unit-files orthanc.service >/dev/null 2>&1; then
  systemctl disable --now orthanc >/dev/null 2>&1 || true
fi
exit "$status"
