"""
The admin's home and navigation: a dashboard of what needs the office's attention, above every domain app.

It reads the domain apps' selectors and the integrations' registries, and nothing imports it but the settings: it
sits where ``config`` does, so ``core`` stays free of the apps built on it.
"""
