"""
Between FieldOffice's models and the engine's records (``sync.records``), whichever QuickBooks they go to: what is
sent for a local record, the local fields of a record read, and a *comparable* form of either side (the synced
fields only, normalised) whose hash tells whether the two sides hold the same thing. The wire formats are the
backends' own: QuickBooks Online's JSON in ``online.mapping``, Desktop's qbXML in ``desktop.mapping``.

The comparable forms of customers and items keep the keys of QuickBooks Online's objects: the hashes links keep were
taken of them, for records of either backend, and changing them would make every linked record look changed once.
"""
