"""
Between the engine's records and QuickBooks Desktop's qbXML: the only place, with the qbXML wire layer, that knows
Desktop's element names.

These modules translate Desktop's ``...Ret`` records into what the engine reads and the engine's writes into
``...Add`` / ``...Mod`` requests. The short lists (terms, sales tax), the chart of accounts, the items and the
customers are the engine's own records (``sync.records``); invoices and payments still take QuickBooks Online's shape
(``Id``, ``SyncToken``, ``CustomerRef``...) until they move onto records too. Where Desktop models something
differently (service locations are a customer's ship-to addresses, not sub-customers; jobs are customers of their
own), the translation says so in its docstring.
"""
