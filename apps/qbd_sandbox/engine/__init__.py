"""What QuickBooks does with each request: list and transaction rules, queries, deletions, sessions."""
