#!/bin/bash
# Runs fuzz_test.py with the system's python3: Bazel 4's py_test stub needs
# `python` on the strict action PATH, which Debian does not install.
cd "$TEST_SRCDIR/ndisconf" && PYTHONPATH=. exec python3 tools/fuzz/fuzz_test.py "$@"
