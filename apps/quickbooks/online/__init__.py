"""
QuickBooks Online: the REST client (``client``), Intuit's OAuth (``oauth``, ``tokens``, ``connection``), the
translation of Online's JSON to the engine's records and back (``mapping``), change notices (``webhooks``) and the
engine's backend for Online (``backend``), drift reading included. The engine imports none of it: it is handed the
backend (``apps.quickbooks.apps`` sets the opener).
"""
