"""
Between the engine's records and QuickBooks Desktop's qbXML: the only place, with the qbXML wire layer, that knows
Desktop's element names.

These modules translate Desktop's ``...Ret`` records into what the engine reads and the engine's writes into
``...Add`` / ``...Mod`` requests: every entity, from the short lists (terms, sales tax) to invoices and payments, is
the engine's own record (``sync.records``). Where Desktop models something
differently (service locations are a customer's ship-to addresses, not sub-customers; jobs are customers of their
own), the translation says so in its docstring.
"""
