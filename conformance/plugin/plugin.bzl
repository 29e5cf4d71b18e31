"""ndisconf_implementation: plug a team's driver, written in C, into ndisconf.

    load("@ndisconf//conformance/plugin:plugin.bzl", "ndisconf_implementation")
    ndisconf_implementation(
        name = "acme_cm",
        role = "call_manager",
        srcs = ["acme_cm.c"],
        expectations = "acme_cm.expectations",
        profile = "acme_cm.profile.json",
    )

declares, in the caller's package:
  NAME          `bazel run` it: the main job against this implementation,
                with the per-rule report (the options of //tools:ndisconf);
  NAME_test     `bazel test` it: the same run, which passes only when the
                rules that FAIL are exactly the ones `expectations` lists;
  NAME_update_expectations
                `bazel run` it: rewrites `expectations` from a fresh run;
  NAME_TARGET_fuzz_test, NAME_TARGET_fuzzer
                for each fuzz target of the role (af_lifecycle for a call
                manager, an MCM or a client; wan_miniport and the
                differential wan_miniport_diff for a WAN miniport;
                wan_status for a protocol above NDISWAN): its corpus replayed
                with the driver, and its libFuzzer binary (--config=fuzz);
  NAME_driver   the driver as one isolated object (see below), and
  NAME_registration
                the implementation's registration, for linking into other
                binaries (a fuzz target, a team's own test).

The sources are not edited. They are compiled against <ndis.h>, <ndiswan.h>
and <ndistapi.h> (//reference/api:ndis_api), and <wan_nic.h> for a WAN
miniport's hardware (//reference/nic:wan_nic_c_api), then linked with
`ld -r` into one relocatable object in which every global symbol is made local except
the driver's `DriverEntry` (renamed ndisconf_plugged_NAME_driver_DriverEntry)
and the bounds of its writable data (driver_state.ld). So the driver's
global names cannot clash with the project's or with another plugged-in
driver's, and it can reach only what <ndis.h> declares. Each test loads it
afresh, its globals as they were at start-up (plugged_driver.h). A capability
profile (conformance/profile/profile.h) is checked when the target is built.
A guide: docs/plugging_in.md.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")
load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

# The roles a black-box suite exists for (conformance/suites/roles), as the
# macro's `role` spells them, with the enumerator they register as.
_ROLES = {
    "call_manager": "kCallManager",
    "wan_miniport": "kWanMiniport",
    "client": "kClient",
    "mcm": "kMcm",
    "wan_protocol": "kWanProtocol",
}

def _isolated_driver_impl(ctx):
    cc_toolchain = find_cpp_toolchain(ctx)
    archives = []
    for linker_input in ctx.attr.library[CcInfo].linking_context.linker_inputs.to_list():
        if linker_input.owner != ctx.attr.library.label:
            continue
        for library in linker_input.libraries:
            archive = library.pic_static_library or library.static_library
            if archive:
                archives.append(archive)
    if not archives:
        fail("%s: the driver's sources compiled to no object" % ctx.label)
    merged = ctx.actions.declare_file(ctx.label.name + ".merged.o")
    args = ctx.actions.args()
    args.add("-r")
    args.add("-T", ctx.file._script)
    args.add("-o", merged)
    args.add("--whole-archive")
    args.add_all(archives)
    ctx.actions.run(
        executable = cc_toolchain.ld_executable,
        arguments = [args],
        inputs = depset(archives + [ctx.file._script], transitive = [cc_toolchain.all_files]),
        outputs = [merged],
        mnemonic = "NdisconfDriverLink",
        progress_message = "Linking driver %s into one object" % ctx.label,
    )
    prefix = ctx.attr.prefix
    keep = [prefix + "_DriverEntry", prefix + "_state_begin", prefix + "_state_end"]
    outputs = []
    for suffix in [".pic.o"]:
        out = ctx.actions.declare_file(ctx.label.name + suffix)
        args = ctx.actions.args()
        args.add("--redefine-sym", "DriverEntry=" + keep[0])
        args.add("--redefine-sym", "ndisconf_state_begin=" + keep[1])
        args.add("--redefine-sym", "ndisconf_state_end=" + keep[2])
        for symbol in keep:
            args.add("--keep-global-symbol", symbol)
        args.add(merged)
        args.add(out)
        ctx.actions.run(
            executable = cc_toolchain.objcopy_executable,
            arguments = [args],
            inputs = depset([merged], transitive = [cc_toolchain.all_files]),
            outputs = [out],
            mnemonic = "NdisconfDriverIsolate",
            progress_message = "Isolating the global names of driver %s" % ctx.label,
        )
        outputs.append(out)
    return [DefaultInfo(files = depset(outputs))]

_isolated_driver = rule(
    implementation = _isolated_driver_impl,
    attrs = {
        "library": attr.label(mandatory = True, providers = [CcInfo]),
        "prefix": attr.string(mandatory = True),
        "_cc_toolchain": attr.label(default = Label("@bazel_tools//tools/cpp:current_cc_toolchain")),
        "_script": attr.label(default = Label("//conformance/plugin:driver_state.ld"), allow_single_file = True),
    },
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
    fragments = ["cpp"],
)

def _registration_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".cc")
    profile = "nullptr"
    profile_file = ""
    if ctx.file.profile_inc:
        inc = ctx.file.profile_inc
        profile = '#include "%s"' % inc.path[len(inc.root.path) + 1:]
        profile_file = ctx.attr.profile_name
    ctx.actions.expand_template(
        template = ctx.file._template,
        output = out,
        substitutions = {
            "NDISCONF_PLUGGED_PREFIX": ctx.attr.prefix,
            "NDISCONF_PLUGGED_NAME": ctx.attr.implementation,
            "NDISCONF_PLUGGED_ROLE": _ROLES[ctx.attr.role],
            "NDISCONF_PLUGGED_DESCRIPTION": ctx.attr.description,
            "NDISCONF_PLUGGED_PROFILE_FILE": profile_file,
            "NDISCONF_PLUGGED_PROFILE": profile,
        },
    )
    return [DefaultInfo(files = depset([out]))]

_registration_source = rule(
    implementation = _registration_impl,
    attrs = {
        "description": attr.string(),
        "implementation": attr.string(mandatory = True),
        "prefix": attr.string(mandatory = True),
        "profile_inc": attr.label(allow_single_file = True),
        "profile_name": attr.string(),
        "role": attr.string(mandatory = True, values = _ROLES.keys()),
        "_template": attr.label(default = Label("//conformance/plugin:registration.cc.in"), allow_single_file = True),
    },
)

# The fuzz targets (fuzz/TARGET_fuzz_test.cc) that exercise each role.
_ROLE_FUZZ_TARGETS = {
    "call_manager": ["af_lifecycle"],
    "wan_miniport": ["wan_miniport", "wan_miniport_diff"],
    "client": ["af_lifecycle"],
    "mcm": ["af_lifecycle"],
    "wan_protocol": ["wan_status"],
}

def _role_fuzzers(name, target, expectations, tags):
    """NAME_TARGET_fuzz_test and NAME_TARGET_fuzzer.

    The role's fuzz target (fuzz/TARGET_fuzz_test.cc) with the plugged-in
    driver in its role: the test replays the committed corpus through it,
    the fuzzer (manual; build it with --config=fuzz) explores further. Both
    select the implementation with NDISCONF_IMPL and ignore its known
    failures (NDISCONF_EXPECTATIONS).
    """
    corpus = Label("//corpora:" + target)
    env = {"NDISCONF_IMPL": name}
    data = [corpus]
    if expectations:
        env["NDISCONF_EXPECTATIONS"] = "$(rootpath %s)" % expectations
        data.append(expectations)
    deps = [
        ":" + name + "_registration",
        Label("//fuzz:%s_fuzz_target" % target),
    ]
    cc_test(
        name = "%s_%s_fuzz_test" % (name, target),
        size = "small",
        args = ["$(rootpaths %s)" % corpus],
        data = data,
        env = env,
        tags = tags,
        deps = deps + [Label("//fuzz:replay_main")],
    )
    cc_binary(
        name = "%s_%s_fuzzer" % (name, target),
        testonly = True,
        data = data,
        env = env,
        linkopts = ["-fsanitize=fuzzer"],
        tags = tags + ["manual"],
        deps = deps,
    )

def _c_identifier(name):
    return "".join([c if c.isalnum() else "_" for c in name.elems()])

def _string_literal_safe(text, what):
    for c in text.elems():
        if c in "\"\\\n":
            fail("%s must not contain quotes, backslashes or newlines: %r" % (what, text))
    return text

def ndisconf_driver(name, srcs, hdrs = [], deps = [], copts = [], tags = [], visibility = None):
    """Declares NAME: a driver's sources as one isolated object (a cc_library).

    The object keeps three global names: ndisconf_plugged_<NAME>_DriverEntry
    (its DriverEntry) and ndisconf_plugged_<NAME>_state_begin / _state_end
    (the bounds of its writable data), with every character of NAME that is
    not a letter or digit written as '_'. ndisconf_implementation uses it;
    use it directly only to build a harness of your own.

    Args:
      name: the library's name.
      srcs: the driver's C (or C++) sources and private headers, unedited.
      hdrs: headers the sources include by path, if any.
      deps: libraries the sources need besides <ndis.h>.
      copts: extra compiler options for the sources (e.g. -D flags).
      tags: added to every declared target.
      visibility: of NAME.
    """
    cc_library(
        name = name + "_sources",
        testonly = True,
        srcs = srcs,
        hdrs = hdrs,
        copts = copts,
        tags = tags,
        deps = deps + [
            Label("//reference/api:ndis_api"),
            Label("//reference/nic:wan_nic_c_api"),
        ],
        linkstatic = True,
        visibility = ["//visibility:private"],
    )
    _isolated_driver(
        name = name + "_object",
        testonly = True,
        library = ":" + name + "_sources",
        prefix = _prefix(name),
        tags = tags,
        visibility = ["//visibility:private"],
    )
    cc_library(
        name = name,
        testonly = True,
        srcs = [":" + name + "_object"],
        tags = tags,
        alwayslink = True,
        visibility = visibility,
    )

def _prefix(name):
    return "ndisconf_plugged_" + _c_identifier(name)

def ndisconf_implementation(
        name,
        role,
        srcs,
        hdrs = [],
        deps = [],
        copts = [],
        expectations = None,
        profile = None,
        description = None,
        tags = [],
        visibility = None):
    """Declares an implementation under test made of a team's driver sources.

    Args:
      name: the implementation's name, as --impl and the reports spell it.
      role: the role the driver plays: "call_manager" (a stand-alone CoNDIS
        call manager), "mcm" (a CoNDIS miniport call manager), "client" (a
        CoNDIS client), "wan_miniport" (an NDIS 5.x WAN miniport over the
        NIC of <wan_nic.h>) or "wan_protocol" (an NDIS 5.x protocol bound
        above NDISWAN). The reference plays every other role.
      srcs: the driver's C (or C++) sources and private headers, unedited.
      hdrs: headers the sources include by path, if any.
      deps: libraries the sources need besides <ndis.h>.
      copts: extra compiler options for the sources (e.g. -D flags).
      expectations: the file of known failures NAME_test compares against
        (docs/plugging_in.md, "Expectations"); None expects every rule to pass.
      profile: the driver's capability profile, a JSON file
        (conformance/profile/profile.h); checked at build time, and a test
        that needs what it does not offer is NOT_APPLICABLE. None: the
        driver is taken to offer everything a test needs.
      description: one line for --list and the reports.
      tags: added to every declared target.
      visibility: of every target declared.
    """
    if role not in _ROLES:
        fail("role must be one of %s, not %r" % (sorted(_ROLES.keys()), role))
    prefix = _prefix(name + "_driver")
    ndisconf_driver(
        name = name + "_driver",
        srcs = srcs,
        hdrs = hdrs,
        deps = deps,
        copts = copts,
        tags = tags,
        visibility = visibility,
    )
    profile_inc = None
    if profile:
        profile_inc = name + "_profile.inc"
        native.genrule(
            name = name + "_profile",
            testonly = True,
            srcs = [profile],
            outs = [profile_inc],
            cmd = "$(location %s) %s $< $@" % (Label("//conformance/profile:profile_embed"), role),
            tools = [Label("//conformance/profile:profile_embed")],
            tags = tags,
            visibility = ["//visibility:private"],
        )
    _registration_source(
        name = name + "_registration_cc",
        profile_inc = (":" + profile_inc) if profile_inc else None,
        profile_name = "%s/%s" % (native.package_name(), profile) if profile else "",
        testonly = True,
        implementation = _string_literal_safe(name, "name"),
        prefix = prefix,
        role = role,
        description = _string_literal_safe(
            description or ("%s plugged in as the %s" % (name, role.replace("_", " "))),
            "description",
        ),
        tags = tags,
        visibility = ["//visibility:private"],
    )
    cc_library(
        name = name + "_registration",
        testonly = True,
        srcs = [":" + name + "_registration_cc"] + ([":" + profile_inc] if profile_inc else []),
        tags = tags,
        deps = [
            ":" + name + "_driver",
            Label("//conformance/framework:implementation"),
            Label("//conformance/plugin:plugged_driver"),
            Label("//conformance/profile"),
            Label("//reference/api:ndis_api"),
        ],
        alwayslink = True,
        visibility = visibility,
    )
    main_deps = [
        ":" + name + "_registration",
        Label("//conformance/plugin:main_job"),
    ]
    cc_binary(
        name = name,
        testonly = True,
        args = [
            "--impl=" + name,
            "'--replay-command=bazel run %s//%s:%s --'" % (
                native.repository_name() if native.repository_name() != "@" else "",
                native.package_name(),
                name,
            ),
        ],
        tags = tags,
        visibility = visibility,
        deps = main_deps,
    )
    data = [expectations] if expectations else []
    update = "bazel run %s//%s:%s_update_expectations" % (
        native.repository_name() if native.repository_name() != "@" else "",
        native.package_name(),
        name,
    )
    expect_args = [
        "--expectations=$(rootpath %s)" % expectations,
        "'--update-command=%s'" % update,
    ] if expectations else ["--expectations=none"]
    cc_test(
        name = name + "_test",
        size = "small",
        args = ["--impl=" + name] + expect_args,
        data = data,
        tags = tags,
        deps = main_deps,
    )
    for target in _ROLE_FUZZ_TARGETS[role]:
        _role_fuzzers(name, target, expectations, tags)
    if expectations:
        cc_binary(
            name = name + "_update_expectations",
            testonly = True,
            args = [
                "--impl=" + name,
                "--update-expectations=//" + "/".join([p for p in [native.package_name(), expectations] if p]),
            ],
            tags = tags,
            deps = main_deps,
        )
