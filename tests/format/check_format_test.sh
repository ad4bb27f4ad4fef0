#!/usr/bin/env bash
# scripts/check_format.sh must fail on a misformatted file and on a tree with no C++ file, with
# and without git (a fresh machine may lack it), and pass on a formatted tree.
set -uo pipefail
checker=$(cd "$(dirname "$0")/../../scripts" && pwd)/check_format.sh
style=$(cd "$(dirname "$0")/../.." && pwd)/.clang-format
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect() {  # expect PASS|FAIL LABEL COMMAND...
  local want=$1 label=$2
  shift 2
  if "$@" >"$work/out" 2>&1; then got=PASS; else got=FAIL; fi
  if [ "$got" = "$want" ]; then
    echo "ok    $label (check_format: $got)"
  else
    echo "WRONG $label: check_format gave $got, want $want"; sed 's/^/      /' "$work/out"
    failures=$((failures + 1))
  fi
}
# A PATH without git: links to just the tools the checker uses.
nogit=$work/bin
mkdir -p "$nogit"
for tool in bash env dirname clang-format find sed sort grep cat; do
  ln -s "$(command -v "$tool")" "$nogit/$tool"
done
tree() {  # tree DIR formatted|misformatted|empty
  rm -rf "$1" && mkdir -p "$1/src" && cp "$style" "$1/.clang-format"
  case $2 in
    formatted) printf 'int answer() {\n    return 42;\n}\n' >"$1/src/a.cpp" ;;
    misformatted) printf 'int answer() {\n    return 42;\n}\n' >"$1/src/a.cpp"
      printf 'int  f( int x ){return x;}\n' >"$1/src/b.hpp" ;;
    empty) printf 'no code here\n' >"$1/src/notes.txt" ;;
  esac
}
for kind in formatted misformatted empty; do
  want=FAIL; [ $kind = formatted ] && want=PASS
  tree "$work/plain-$kind" $kind
  expect $want "$kind tree, no git installed" env PATH="$nogit" bash "$checker" "$work/plain-$kind"
  tree "$work/git-$kind" $kind
  (cd "$work/git-$kind" && git init -q && git add -A)
  expect $want "$kind tree, a git checkout" bash "$checker" "$work/git-$kind"
done
[ $failures -eq 0 ] && echo "check_format self-test: all cases as expected"
exit $failures
