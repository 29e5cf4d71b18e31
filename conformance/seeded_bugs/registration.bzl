"""Seeded-bug variants of spec sections owned by the registration suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in registration_bugs.cc.
"""

SEEDED_BUGS = [
]
