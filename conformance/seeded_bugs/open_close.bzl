"""Seeded-bug variants of spec sections owned by the open close suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in open_close_bugs.cc.
"""

SEEDED_BUGS = [
    ("cm_open_complete_twice", "bug-cm-open-complete-twice", "AF-034"),
    ("ndis_double_close_succeeds", "bug-ndis-double-close-succeeds", "AF-057"),
    ("cm_close_complete_failure", "bug-cm-close-complete-failure", "AF-053"),
    ("mcm_halt_leaves_afs_open", "bug-mcm-halt-leaves-afs-open", "AF-062"),
    ("client_never_completes_notify", "bug-client-never-completes-notify", "AF-065"),
]
