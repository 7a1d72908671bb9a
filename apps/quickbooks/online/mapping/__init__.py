"""
Between the engine's records and QuickBooks Online's JSON: the only place, with the client, that knows Online's field
names. Each module reads one kind of Online object into the engine's record (``sync.records``) and writes the record
back as the object QuickBooks takes; what FieldOffice sends for a local record, and how the two sides compare, is
``apps.quickbooks.mapping``'s.
"""
