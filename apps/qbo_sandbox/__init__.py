"""
An emulator of the QuickBooks Online Accounting API v3 and of Intuit OAuth 2.0, mounted at ``/qbo-sandbox/``.

It stands in for Intuit when ``QBO_ENVIRONMENT=local``: FieldOffice, intuit-oauth and python-quickbooks talk to it
as they would to QuickBooks. It keeps its own tables and never imports FieldOffice's domain apps.
"""
