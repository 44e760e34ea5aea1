#!/usr/bin/env bash
# Installs losslab from the build tree into a temporary prefix, builds
# examples/ against it with find_package(losslab), and runs the example for
# one epoch. Usage: install_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/examples" -B "$work/examples" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/examples" -j2 >/dev/null
if [ -d "${LOSSLAB_DATA:-/usr/share/datasets/fashion-mnist}" ]; then
  "$work/examples/train_fashion_mnist" 1 ce | tee "$work/out.txt"
  grep -q "epoch 1: test accuracy" "$work/out.txt"
fi
echo "install test: 1 passed, 0 failed"
