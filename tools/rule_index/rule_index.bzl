"""The project's source files a binary is built from, for tools/rule_index.

`rule_sources` follows `deps` from its targets through every C++ library they link and
collects the workspace's own source files (srcs, hdrs, textual_hdrs; generated files and
external repositories left out). The rules reference and the rule coverage test read the
sources of the main job this way, so a test, check or setting is found wherever its file
lives, as long as the main job links it.
"""

# The catalog tables every mode of rule_index reads, and the flags that name them.
CATALOG_DATA = [
    "//conformance/catalog:rules.tsv",
    "//conformance/catalog:sources.tsv",
    "//conformance/catalog:open_questions.tsv",
]

CATALOG_ARGS = [
    "--catalog=$(rootpath //conformance/catalog:rules.tsv)",
    "--sources=$(rootpath //conformance/catalog:sources.tsv)",
    "--open_questions=$(rootpath //conformance/catalog:open_questions.tsv)",
]

_SourcesInfo = provider(
    doc = "Workspace source files of a target and of everything it depends on.",
    fields = ["files"],
)

def _collect_impl(target, ctx):
    own = []
    for attr in ["srcs", "hdrs", "textual_hdrs"]:
        for f in getattr(ctx.rule.files, attr, []):
            if f.is_source and f.owner.workspace_name == "":
                own.append(f)
    return [_SourcesInfo(files = depset(
        own,
        transitive = [
            dep[_SourcesInfo].files
            for dep in getattr(ctx.rule.attr, "deps", [])
            if _SourcesInfo in dep
        ],
    ))]

_collect_sources = aspect(
    implementation = _collect_impl,
    attr_aspects = ["deps"],
)

def _rule_sources_impl(ctx):
    files = depset(transitive = [dep[_SourcesInfo].files for dep in ctx.attr.deps])
    return [DefaultInfo(files = files, runfiles = ctx.runfiles(transitive_files = files))]

rule_sources = rule(
    implementation = _rule_sources_impl,
    doc = "The workspace source files `deps` are built from (see the file's docstring).",
    attrs = {
        "deps": attr.label_list(aspects = [_collect_sources]),
    },
)
