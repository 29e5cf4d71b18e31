"""Seeded-bug variants of spec sections owned by the sap vc unbind suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in sap_vc_unbind_bugs.cc.
"""

SEEDED_BUGS = [
    ("ndis_accepts_nonnull_vc_handle", "bug-ndis-accepts-nonnull-vc-handle", "AF-100"),
    ("cm_never_completes_sap_deregister", "bug-cm-never-completes-sap-deregister", "AF-090"),
    ("client_closes_binding_with_af_open", "bug-client-closes-binding-with-af-open", "AF-120"),
    ("comp_create_vc_pends", "bug-comp-create-vc-pends", "AF-104"),
]
