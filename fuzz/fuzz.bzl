"""ndisconf_fuzz_test: one fuzz target and the replay of its corpus.

For a target NAME (source NAME_fuzz_test.cc, defining LLVMFuzzerTestOneInput):
  NAME_fuzz_target  the target as a library (testonly, alwayslink);
  NAME_fuzzer       the libFuzzer binary, meaningful only under --config=fuzz
                    (tagged manual; bazel run //tools/fuzz -- NAME builds it);
  NAME_afl          the AFL++ binary (libAFLDriver), meaningful only under
                    --config=afl (tagged manual; bazel run //tools/fuzz --
                    NAME --engine=afl builds it);
  NAME_fuzz_test    replays every file of the corpus filegroup (corpora/NAME/
                    and the seeds it takes from elsewhere) through the target in
                    plain `bazel test //...` (replay_main fails on an empty corpus).
The corpus is a required argument (Envoy's envoy_cc_fuzz_test does the same):
a target without seeds is not accepted.

Every fuzz/regressions/NAME_<label>_<hash>_regression_test.cc (written by the
campaign command for a finding, with its input NAME_<label>_<hash>.bin) is
declared as a cc_test of NAME, tagged fuzz_regression and <label> (the rule
ID or sanitizer report kind); none is fine.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

def ndisconf_fuzz_test(name, deps, corpus):
    """Declares NAME_fuzz_target, NAME_fuzzer and NAME_fuzz_test.

    Args:
      name: the target's name; its source is NAME_fuzz_test.cc and its seeds
        live in corpora/NAME/.
      deps: what the target links.
      corpus: the filegroup of corpora/NAME/ (//corpora:NAME).
    """
    if not corpus.endswith(":" + name):
        fail("the corpus of fuzz target %s must be //corpora:%s" % (name, name))
    cc_library(
        name = name + "_fuzz_target",
        testonly = True,
        srcs = [name + "_fuzz_test.cc"],
        deps = deps,
        alwayslink = True,
        # The benchmarks measure a target's per-input cost outside the
        # engine; a plugged-in implementation (conformance/plugin/plugin.bzl)
        # links it into fuzzers of its own, in any package.
        visibility = ["//visibility:public"],
    )
    cc_binary(
        name = name + "_fuzzer",
        testonly = True,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [":" + name + "_fuzz_target"],
    )
    cc_binary(
        name = name + "_afl",
        testonly = True,
        linkopts = [
            "/usr/lib/afl/libAFLDriver.a",
            "/usr/lib/afl/afl-compiler-rt.o",
        ],
        tags = ["manual"],
        deps = [":" + name + "_fuzz_target"],
    )
    # .clusterfuzzlite/build.sh compiles the sources without Bazel from a
    # generated list; this test keeps the list equal to the query.
    native.genquery(
        name = name + "_cflite_sources",
        testonly = True,
        expression = "kind('source file', deps(//fuzz:%s_fuzz_target))" % name,
        scope = [":" + name + "_fuzz_target"],
    )
    native.sh_test(
        name = name + "_cflite_sources_test",
        size = "small",
        srcs = ["//tools/fuzz:cflite_sources_check.sh"],
        args = [
            name,
            "$(location :%s_cflite_sources)" % name,
            "$(location //.clusterfuzzlite:sources.txt)",
        ],
        data = [
            ":" + name + "_cflite_sources",
            "//.clusterfuzzlite:sources.txt",
        ],
    )
    for src in native.glob(["regressions/%s_*_regression_test.cc" % name], allow_empty = True):
        base = src[len("regressions/"):-len("_regression_test.cc")]
        parts = base.split("_")
        if len(parts) < 3 or "_".join(parts[:-2]) != name:
            continue  # another target whose name starts with NAME_
        cc_test(
            name = base + "_regression_test",
            size = "small",
            srcs = [src],
            data = ["regressions/%s.bin" % base],
            tags = ["fuzz_regression", parts[-2]],
            deps = [
                ":" + name + "_fuzz_target",
                "@com_google_googletest//:gtest_main",
            ],
        )
    cc_test(
        name = name + "_fuzz_test",
        size = "small",
        args = ["$(rootpaths %s)" % corpus],
        data = [corpus],
        deps = [
            ":replay_main",
            ":" + name + "_fuzz_target",
        ],
    )
