"""
Between the engine's records and QuickBooks Desktop's qbXML: the only place, with the qbXML wire layer, that knows
Desktop's element names.

The engine and its steps speak one record shape for both backends (QuickBooks Online's: ``Id``, ``SyncToken``,
``DisplayName``...); these modules translate Desktop's ``...Ret`` records into that shape and the engine's writes into
``...Add`` / ``...Mod`` requests, so that the same step code applies Desktop's records and plans its writes. Where
Desktop models something differently (service locations are a customer's ship-to addresses, not sub-customers; jobs
are customers of their own), the translation says so in its docstring.
"""
