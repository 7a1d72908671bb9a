"""
QuickBooks change notices (webhooks), the receiving side.

Intuit POSTs the ids of changed records per realm. ``views`` checks the ``intuit-signature`` (``signature``), reads
either payload format (``payloads``) and hands the notices to ``services``, which asks for one incremental run per
division a little later (debounced), so a burst of changes costs one run. Nothing calls QuickBooks during the
request: Intuit wants its answer within 3 seconds. The scheduled run (change data capture) stays the backstop for
notices that never arrive.
"""
