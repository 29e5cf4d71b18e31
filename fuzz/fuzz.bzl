"""ndisconf_fuzz_test: one fuzz target and the replay of its corpus.

For a target NAME (source NAME_fuzz_test.cc, defining LLVMFuzzerTestOneInput):
  NAME_fuzz_target  the target as a library (testonly, alwayslink);
  NAME_fuzzer       the libFuzzer binary, meaningful only under --config=fuzz
                    (tagged manual; tools/fuzz_campaign.sh NAME builds it);
  NAME_fuzz_test    replays every file of the corpus filegroup (corpora/NAME/
                    and the seeds it takes from elsewhere) through the target in
                    plain `bazel test //...` (replay_main fails on an empty corpus).
The corpus is a required argument (Envoy's envoy_cc_fuzz_test does the same):
a target without seeds is not accepted.
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
    )
    cc_binary(
        name = name + "_fuzzer",
        testonly = True,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [":" + name + "_fuzz_target"],
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
