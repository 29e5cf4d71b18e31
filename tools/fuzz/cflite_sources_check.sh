#!/bin/bash
# cflite_sources_check.sh TARGET QUERY_OUTPUT SOURCES_TXT: the C/C++ sources
# that genquery found for //fuzz:TARGET_fuzz_target equal the `src` lines of
# TARGET's section of .clusterfuzzlite/sources.txt (run by the test that
# fuzz.bzl declares per target). On a difference: regenerate the list with
# .clusterfuzzlite/build.sh --update.
set -u
target=$1 query=$2 list=$3
want=$(grep -v '^@' "$query" | grep -E '\.(c|cc)$' | sed 's#^//##; s#:#/#; s#^/##' | LC_ALL=C sort)
have=$(awk -v t="$target" '$1=="target"{on=($2==t); seen=seen||on} on&&$1=="src"{print $2}
                          END{if(!seen) exit 3}' "$list")
rc=$?
if [ $rc -eq 3 ]; then
  echo "FAIL: .clusterfuzzlite/sources.txt has no section for $target: run .clusterfuzzlite/build.sh --update"
  exit 1
fi
if [ "$want" != "$have" ]; then
  echo "FAIL: .clusterfuzzlite/sources.txt is stale for $target: run .clusterfuzzlite/build.sh --update"
  diff <(echo "$have") <(echo "$want")
  exit 1
fi
echo "PASS: $target: $(echo "$want" | wc -l) sources listed"
