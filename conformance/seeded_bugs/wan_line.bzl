"""Seeded-bug variants of the WAN status and line-up/down/fragment (5.11-5.14) suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in wan_line_bugs.cc.
"""

SEEDED_BUGS = [
]
