"""Seeded-bug variants of spec sections owned by the registration suites.

Each entry: (test name suffix, implementation name, rule the variant breaks).
The implementation is registered in registration_bugs.cc.
"""

SEEDED_BUGS = [
    ("ndis_duplicate_af_succeeds", "bug-ndis-duplicate-af-succeeds", "AF-004"),
    ("cm_registers_first_binding_only", "bug-cm-registers-first-binding-only", "AF-002"),
    ("mcm_registers_from_work_item", "bug-mcm-registers-from-work-item", "AF-007"),
    ("client_oversized_co_header", "bug-client-oversized-co-header", "AF-136"),
]
