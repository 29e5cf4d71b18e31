"""ndisconf_status_handler_fuzzer: fuzz a third party's status handler.

Takes plain C (or C++) sources that define a status handler and names the
handler's symbol; declares the same trio as ndisconf_fuzz_test:
  NAME_fuzz_target  the target as a library (testonly, alwayslink);
  NAME_fuzzer       the libFuzzer binary (manual; build with --config=fuzz);
  NAME_fuzz_test    replays the corpus through the target in plain bazel test.
Input format, delivery and the write check: fuzz/status_handler_input.h;
how-to: docs/status_handler.md; an example: fuzz/examples/vpn_filter.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

_SHAPES = {"ndis5": 0, "ndis6": 1, "filter": 2}
_EDGES = {"ndiswan": 0, "miniport": 1}

def ndisconf_status_handler_fuzzer(
        name,
        srcs,
        handler,
        shape = "ndis5",
        complete_handler = None,
        context_factory = None,
        edge = "ndiswan",
        deps = [],
        corpus = "//corpora:status_handler",
        tags = []):
    """Declares NAME_fuzz_target, NAME_fuzzer and NAME_fuzz_test.

    Args:
      name: the target's name.
      srcs: the sources (and private headers) defining the handler, compiled
        against <ndis.h> (//reference/api:ndis_api).
      handler: the handler's symbol, with C linkage. Its signature is
        VOID f(NDIS_HANDLE, NDIS_STATUS, PVOID, UINT) for shape "ndis5"
        (ProtocolStatus), and VOID f(NDIS_HANDLE, PNDIS_STATUS_INDICATION)
        for "ndis6" (ProtocolStatusEx) and "filter" (FilterStatus).
      shape: "ndis5", "ndis6" or "filter".
      complete_handler: for "ndis5", the ProtocolStatusComplete symbol
        (VOID f(NDIS_HANDLE)), or None.
      context_factory: symbol of NDIS_HANDLE f(void), called at the start of
        every input for the handler's context in its initial state (it may
        reset and return the same object); None passes a NULL context.
      edge: whose rules the write check applies: "ndiswan" (the handler
        sits above NDISWAN: WAN-037/042/053) or "miniport" (above a WAN
        miniport: WAN-103).
      deps: what the sources need besides //reference/api:ndis_api.
      corpus: the seed corpus filegroup NAME_fuzz_test replays.
      tags: added to every declared target.
    """
    if shape not in _SHAPES:
        fail("shape must be one of %s, not %r" % (sorted(_SHAPES.keys()), shape))
    if edge not in _EDGES:
        fail("edge must be one of %s, not %r" % (sorted(_EDGES.keys()), edge))
    if complete_handler and shape != "ndis5":
        fail("complete_handler is for shape \"ndis5\" only")
    defines = [
        "NDISCONF_SH_SHAPE=%d" % _SHAPES[shape],
        "NDISCONF_SH_EDGE=%d" % _EDGES[edge],
        "NDISCONF_SH_HANDLER=" + handler,
    ]
    if complete_handler:
        defines.append("NDISCONF_SH_COMPLETE=" + complete_handler)
    if context_factory:
        defines.append("NDISCONF_SH_CONTEXT_FACTORY=" + context_factory)
    cc_library(
        name = name + "_handler",
        testonly = True,
        srcs = srcs,
        tags = tags,
        deps = deps + ["//reference/api:ndis_api"],
        alwayslink = True,
    )
    cc_library(
        name = name + "_fuzz_target",
        testonly = True,
        srcs = ["//fuzz:status_handler_entry.cc"],
        local_defines = defines,
        tags = tags,
        deps = [
            ":" + name + "_handler",
            "//fuzz:status_handler_input",
            "//reference/api:ndis_api",
        ],
        alwayslink = True,
    )
    cc_binary(
        name = name + "_fuzzer",
        testonly = True,
        linkopts = ["-fsanitize=fuzzer"],
        tags = tags + ["manual"],
        deps = [":" + name + "_fuzz_target"],
    )
    cc_test(
        name = name + "_fuzz_test",
        size = "small",
        args = ["$(rootpaths %s)" % corpus],
        data = [corpus],
        tags = tags,
        deps = [
            ":" + name + "_fuzz_target",
            "//fuzz:status_handler_replay_main",
        ],
    )
