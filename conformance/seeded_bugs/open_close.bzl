"""Seeded-bug variants of spec sections owned by the open close suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in open_close_bugs.cc.
"""

SEEDED_BUGS = [
    ("cm_open_complete_twice", "bug-cm-open-complete-twice", "AF-034"),
]
