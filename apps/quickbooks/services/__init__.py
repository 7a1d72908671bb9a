"""Every write of the QuickBooks app: connecting, tokens, settings, schedules and sync requests."""
