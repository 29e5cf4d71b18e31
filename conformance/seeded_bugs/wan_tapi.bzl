"""Seeded-bug variants of the WAN TAPI, GET_ID and encoding (5.15-5.18) suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in wan_tapi_bugs.cc.
"""

SEEDED_BUGS = [
]
