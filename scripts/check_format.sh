#!/usr/bin/env bash
# Fails when a C++ file differs from .clang-format's layout (generated code excluded).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp' | grep -v '^third_party/' || true)
[ -z "$files" ] && exit 0
# shellcheck disable=SC2086
if ! clang-format --dry-run --Werror $files; then
  echo "format: run 'clang-format -i' on the files above" >&2
  exit 1
fi
