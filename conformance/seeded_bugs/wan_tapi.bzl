"""Seeded-bug variants of the WAN TAPI, GET_ID and encoding (5.15-5.18) suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in wan_tapi_bugs.cc.
"""

SEEDED_BUGS = [
    ("wmp_close_call_fails", "bug-wmp-close-call-fails", "WAN-086"),
    ("wmp_drop_without_idle", "bug-wmp-drop-without-idle", "WAN-085"),
    ("wmp_unsupported_tapi_not_supported", "bug-wmp-unsupported-tapi-not-supported", "WAN-080"),
    ("wmp_get_id_invalparam", "bug-wmp-get-id-invalparam", "WAN-073"),
    ("ndiswan_newcall_htcall_unwritten", "bug-ndiswan-newcall-htcall-unwritten", "WAN-062"),
    ("ndis_status_buffer_scribbled", "bug-ndis-status-buffer-scribbled", "WAN-103"),
]
