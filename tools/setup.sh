#!/usr/bin/env bash
# tools/setup.sh: installs what building and testing ndisconf needs on Debian 12, and nothing
# else. Idempotent: when every package is present it only checks (dpkg-query) and exits, with
# no network access. Otherwise it runs `apt-get update` once and installs the missing ones.
# Run as root (CI) or as a user with sudo. docs/bazel_offline.md says why each
# package is needed.
set -euo pipefail

# Package -> why. Keep in step with WORKSPACE and bazel/repositories.bzl.
PACKAGES=(
  bazel-bootstrap     # Bazel 4.2.3 (/usr/bin/bazel); pulls a JDK (default-jdk-headless)
  bazel-rules-cc      # @rules_cc, from /usr/share/bazel/rules/cc
  bazel-rules-java    # @rules_java, from /usr/share/bazel/rules/java (registered even for C++)
  default-jdk-headless  # Bazel's server JVM (bazel-bootstrap depends on it; listed to be checked)
  clang               # the compiler (.bazelrc: CC=clang)
  libclang-rt-14-dev  # ASan/UBSan/libFuzzer runtimes for --config=asan/ubsan/fuzz
  llvm-14             # llvm-profdata-14, llvm-cov-14 for tools/coverage.sh
  lld                 # the linker of the asan and fuzz configs (.bazelrc says why)
  clang-format        # tools/check_format.sh, run by CI
  googletest          # GoogleTest/GoogleMock sources at /usr/src/googletest
  nlohmann-json3-dev  # nlohmann/json (header-only): capability profiles
  libbenchmark-dev    # Google Benchmark for *_benchmark targets
  python-is-python3   # `python`: Bazel 4's py_binary stub starts with /usr/bin/env python (//tools/fuzz)
  afl++               # AFL++, the campaign command's second engine (--engine=afl)
  chromium            # headless rendering of the HTML report in //docs:report_html_test
)

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ -r /etc/debian_version ] && command -v dpkg-query >/dev/null 2>&1 ||
  die "this script supports Debian 12 (dpkg and apt) only"

names=()
for entry in "${PACKAGES[@]}"; do names+=("${entry%% *}"); done

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

missing=()
for p in "${names[@]}"; do installed "$p" || missing+=("$p"); done

if [ "${#missing[@]}" -eq 0 ]; then
  log "all ${#names[@]} packages present (${names[*]}); nothing to install"
else
  log "missing: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    # Without a terminal (CI, no stdin) sudo must not wait for a password.
    if [ -t 0 ]; then as_root=(sudo); else as_root=(sudo -n); fi
  else
    die "not root and sudo is not installed: run as root, or install: ${missing[*]}"
  fi
  export DEBIAN_FRONTEND=noninteractive
  log "running apt-get update"
  "${as_root[@]}" apt-get update -q ||
    die "apt-get update failed (is Debian's archive reachable, and may this user run apt?)"
  log "running apt-get install -y ${missing[*]}"
  "${as_root[@]}" apt-get install -y -q "${missing[@]}" </dev/null ||
    die "apt-get install failed for: ${missing[*]}"
  still=()
  for p in "${missing[@]}"; do installed "$p" || still+=("$p"); done
  [ "${#still[@]}" -eq 0 ] || die "still not installed after apt-get: ${still[*]}"
  log "installed: ${missing[*]}"
fi

# The files and tools the build reads, whatever installed them.
for f in /usr/bin/bazel /usr/bin/clang /usr/bin/clang++ /usr/bin/llvm-profdata-14 \
         /usr/bin/llvm-cov-14 /usr/bin/ld.lld /usr/bin/clang-format /usr/share/bazel/rules/cc /usr/share/bazel/rules/java \
         /usr/src/googletest/googletest/include/gtest/gtest.h; do
  [ -e "$f" ] || die "expected $f after installing ${names[*]}; the packages look broken"
done
log "ok: bazel, clang $(clang -dumpversion), llvm-14 tools, googletest sources present"
