#!/usr/bin/env bash
# Installs the built tree into a temporary prefix, builds examples/embed against the
# installed package (CMake's find_package(trellis), then pkg-config), and runs both on a
# copy of the SQLite demo project (examples/shop). Needs a configured and built `build/`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install build --prefix "$work/prefix" >/dev/null
cmake -S examples/embed -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice cmake --build "$work/build" -j2 >/dev/null

pc_dir=$(dirname "$(find "$work/prefix" -name trellis.pc)")
# shellcheck disable=SC2046  # the flags are words
c++ -std=c++20 -o "$work/embed_pc" examples/embed/main.cc \
  $(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs trellis)

for binary in "$work/build/embed_example" "$work/embed_pc"; do
  rm -rf "$work/shop"
  cp -r "$root/examples/shop" "$work/shop"
  out=$("$binary" "$work/shop" dev)
  echo "$out" | grep -q "has all 6 required migration(s)" || {
    echo "check_install: $binary did not migrate the demo project:" >&2
    echo "$out" >&2
    exit 1
  }
done
for f in share/man/man1/trellis.1 share/bash-completion/completions/trellis share/zsh/vendor-completions/_trellis \
  share/fish/vendor_completions.d/trellis.fish; do
  [ -s "$work/prefix/$f" ] || { echo "check_install: $f was not installed" >&2; exit 1; }
done
man -l "$work/prefix/share/man/man1/trellis.1" 2>/dev/null | grep -q "EXIT STATUS" ||
  { echo "check_install: the installed man page does not render" >&2; exit 1; }
echo "check_install: examples/embed builds and runs against the installed package; man page and completions installed"
