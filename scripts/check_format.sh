#!/usr/bin/env bash
# Fails when a C++ file differs from .clang-format's layout (generated code excluded).
# Usage: check_format.sh [ROOT]   (default: the project's root). The files are listed with git
# when ROOT is a git checkout and git is installed, else by walking the tree (a fresh machine may
# have neither); finding no file at all is a failure, never a silent pass.
set -euo pipefail
root=${1:-"$(dirname "$0")/.."}
cd "$root"
command -v clang-format >/dev/null || { echo "format: clang-format is not installed" >&2; exit 1; }
[ -f .clang-format ] || { echo "format: no .clang-format in $(pwd)" >&2; exit 1; }
files=()
if command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' |
    grep -v '^third_party/' || true)
else
  # Source folders only: build trees (build*/) hold generated sources.
  mapfile -t files < <(find . \( -path ./third_party -o -path './build*' -o -path ./.git \) -prune \
    -o -type f \( -name '*.cpp' -o -name '*.hpp' \) -print | sed 's|^\./||' | sort)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "format: no C++ files found under $(pwd): nothing was checked" >&2
  exit 1
fi
if ! clang-format --dry-run --Werror "${files[@]}"; then
  echo "format: run 'clang-format -i' on the files above" >&2
  exit 1
fi
echo "format: ${#files[@]} files checked"
