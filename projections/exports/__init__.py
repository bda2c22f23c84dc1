"""Exports of the record for people outside the store.

* ``census`` — the DfE Children in Need census XML (DOMAIN.md, "Statutory return");
* ``subject_access`` — everything held about one child (DOMAIN.md, "Keeping records");
* ``review_pack`` — the review chair's pack, laid out like the paper plan.

Each reads the store through the application and the projections; none writes.
"""
