"""The Accounting API v3 under ``/qbo-sandbox/v3/company/<realm>/``: authentication, responses, endpoints."""
