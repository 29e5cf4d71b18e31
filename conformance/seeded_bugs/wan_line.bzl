"""Seeded-bug variants of the WAN status and line-up/down/fragment (5.11-5.14) suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in wan_line_bugs.cc.
"""

SEEDED_BUGS = [
    ("wmp_fragment_errors_zero", "bug-wmp-fragment-errors-zero", "WAN-051"),
    ("ndiswan_no_link_context", "bug-ndiswan-no-link-context", "WAN-024"),
    ("wanproto_clobbers_reserved_local_address", "bug-wanproto-clobbers-reserved-local-address", "WAN-037"),
    ("ndis_skips_status_complete", "bug-ndis-skips-status-complete", "WAN-011"),
]
