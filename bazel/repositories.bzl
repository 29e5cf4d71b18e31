"""Offline repositories for Debian's Bazel 4.2.3 (WORKSPACE mode).

Nothing here downloads. Every repository is made from files that Debian
packages install (see tools/setup.sh for the package list):

  rules_cc               /usr/share/bazel/rules/cc  (bazel-rules-cc 0.0.4),
                         patched: Bazel 4.2.3 lacks use_cpp_toolchain().
  rules_java             /usr/share/bazel/rules/java (bazel-rules-java).
  remote_coverage_tools  stand-in filegroups; `bazel test` needs the
                         repository to exist. Coverage reports come from
                         llvm-cov instead (tools/coverage.sh).
  com_google_googletest  /usr/src/googletest (Debian googletest 1.12),
                         built from source with bazel/googletest.BUILD.
  nlohmann_json          /usr/include/nlohmann (Debian nlohmann-json3-dev
                         3.11), header-only, with bazel/nlohmann_json.BUILD.
"""

def _debian_rules_cc_impl(rctx):
    src = rctx.path(rctx.attr.path)
    if not src.exists:
        fail("rules_cc not found at %s: run tools/setup.sh (bazel-rules-cc)" % src)

    # Copy the tree file by file: a symlinked tree would make the patched
    # files below write through to /usr/share.
    result = rctx.execute(["cp", "-R", "--no-preserve=mode", str(src) + "/.", "."])
    if result.return_code != 0:
        fail("copying rules_cc failed: " + result.stderr)

    # Debian's rules_cc 0.0.4 calls use_cpp_toolchain(), which Bazel 4.2.3's
    # @bazel_tools does not export. Its 4.2.3 equivalent is the plain
    # toolchain type label.
    for f in [
        "cc/private/rules_impl/cc_flags_supplier.bzl",
        "cc/private/rules_impl/compiler_flag.bzl",
    ]:
        text = rctx.read(f)
        text = text.replace(
            '"find_cpp_toolchain", "use_cpp_toolchain")',
            '"find_cpp_toolchain")',
        )
        text = text.replace(
            "use_cpp_toolchain()",
            '["@bazel_tools//tools/cpp:toolchain_type"]',
        )
        rctx.file(f, text)

debian_rules_cc = repository_rule(
    implementation = _debian_rules_cc_impl,
    attrs = {"path": attr.string(default = "/usr/share/bazel/rules/cc")},
    local = True,
)

def _coverage_tools_impl(rctx):
    rctx.file("WORKSPACE", 'workspace(name = "remote_coverage_tools")\n')
    rctx.file("BUILD", """\
# Stand-in for Bazel's downloadable coverage tools. `bazel test` resolves
# these labels even when coverage is off; `bazel coverage` is not used here
# (tools/coverage.sh drives llvm-cov directly).
filegroup(name = "coverage_report_generator", srcs = [], visibility = ["//visibility:public"])
filegroup(name = "lcov_merger", srcs = [], visibility = ["//visibility:public"])
""")

local_coverage_tools = repository_rule(implementation = _coverage_tools_impl)

def ndisconf_dependencies():
    """Declares every repository ndisconf needs, as its own WORKSPACE does.

    A team's workspace that loads ndisconf as an external repository calls
    this once, after declaring ndisconf itself (examples/external_repo):

        local_repository(name = "ndisconf", path = "...")
        load("@ndisconf//bazel:repositories.bzl", "ndisconf_dependencies")
        ndisconf_dependencies()

    A repository the calling workspace already declares is left alone.
    """
    existing = native.existing_rules()
    if "rules_cc" not in existing:
        debian_rules_cc(name = "rules_cc")
    if "rules_java" not in existing:
        native.local_repository(
            name = "rules_java",
            path = "/usr/share/bazel/rules/java",
        )
    if "remote_coverage_tools" not in existing:
        local_coverage_tools(name = "remote_coverage_tools")
    if "nlohmann_json" not in existing:
        native.new_local_repository(
            name = "nlohmann_json",
            build_file = str(Label("//bazel:nlohmann_json.BUILD")),
            path = "/usr/include",
        )
    if "com_google_googletest" not in existing:
        native.new_local_repository(
            name = "com_google_googletest",
            build_file = str(Label("//bazel:googletest.BUILD")),
            path = "/usr/src/googletest",
        )
