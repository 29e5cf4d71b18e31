"""Seeded-bug variants of spec sections owned by the sap vc unbind suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in sap_vc_unbind_bugs.cc.
"""

SEEDED_BUGS = [
]
