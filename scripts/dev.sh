#!/usr/bin/env bash
# wslens developer entry point. On a fresh Debian 12 machine:
#   scripts/dev.sh run    install missing packages, build Release, launch the desktop app
#   scripts/dev.sh test   install missing packages, build, run the whole suite (Release),
#                         the fuzz targets (~30 s each) and the suite again under ASan+UBSan
#   scripts/dev.sh build  install missing packages and build Release only
#   scripts/dev.sh deps   only install every package the build and the tests need
# Extra arguments after "run" are passed to wslens (e.g. a session file or a CLI verb).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

jobs="${WSLENS_JOBS:-$(nproc 2>/dev/null || echo 2)}"

build_packages=(cmake ninja-build g++ pkg-config git ca-certificates
  qt6-base-dev qt6-base-dev-tools qt6-websockets-dev libqt6svg6 qt6-qpa-plugins
  libgl-dev libegl-dev libssl-dev zlib1g-dev ccache)
test_packages=(clang libclang-rt-14-dev desktop-file-utils appstream python3 python3-websockets nodejs node-ws
  chromium socat openssl libnss3-tools xvfb xauth procps file dpkg-dev fonts-dejavu-core)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "error: need root to install packages ($*); run as root or install sudo" >&2; exit 1
  fi
}

install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

use_ccache() {
  if command -v ccache >/dev/null 2>&1; then
    export CMAKE_CXX_COMPILER_LAUNCHER=ccache
    # Share cache hits between clones and build folders (debug info included).
    export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
    export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
  fi
}

configure_and_build() { # preset
  log "Configuring and building preset '$1'"
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$jobs"
}

run_suite() { # preset
  log "Running the test suite ($1)"
  QT_QPA_PLATFORM=offscreen ctest --preset "$1" -j "$jobs" --timeout 600
}

run_fuzzers() {
  configure_and_build fuzz
  local seconds="${WSLENS_FUZZ_SECONDS:-30}" f name corpus work
  for f in build/fuzz/tests/fuzz/fuzz_*; do
    [ -f "$f" ] && [ -x "$f" ] || continue
    name="$(basename "$f")"; name="${name#fuzz_}"
    corpus="tests/fuzz/corpus/$name"
    work="$(mktemp -d)"
    [ -d "$corpus" ] && cp -r "$corpus/." "$work/"
    log "Fuzzing $name for ${seconds}s"
    ASAN_OPTIONS=detect_leaks=1 "$f" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -timeout=10 -print_final_stats=1 "$work" 2>&1 | tail -n 4
    rm -rf "$work"
  done
}

cmd="${1:-run}"; shift || true
case "$cmd" in
  deps)
    install_missing "${build_packages[@]}" "${test_packages[@]}"
    ;;
  build)
    install_missing "${build_packages[@]}"; use_ccache
    configure_and_build release
    ;;
  run)
    install_missing "${build_packages[@]}"; use_ccache
    configure_and_build release
    log "Launching build/release/app/wslens"
    exec build/release/app/wslens "$@"
    ;;
  test)
    install_missing "${build_packages[@]}" "${test_packages[@]}"; use_ccache
    configure_and_build release
    run_suite release
    run_fuzzers
    configure_and_build dev-asan
    run_suite dev-asan
    log "All tests passed"
    ;;
  *)
    echo "usage: scripts/dev.sh run|test|build|deps [wslens arguments...]" >&2
    exit 2
    ;;
esac
