"""
Between FieldOffice's records and QuickBooks Online's objects: the only place, with the client, that knows
QuickBooks' field names.

Each module gives, for one kind of record, the payload sent to QuickBooks, the local fields read from a QuickBooks
object, and a *comparable* form of either side (the synced fields only, normalised) whose hash tells whether the two
sides hold the same thing.
"""
