"""Intuit OAuth 2.0: discovery, the authorization page, the token and revocation endpoints."""
