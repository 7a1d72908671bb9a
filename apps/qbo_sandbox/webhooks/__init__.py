"""
Intuit's webhooks: every committed entity change is noted, grouped per company for ``webhook_batch_seconds``, then
POSTed to each connected app's webhook URL, signed, and retried on Intuit's schedule.

- ``changes``: the hook ``store`` calls after each write (an event row once the transaction commits).
- ``listeners``: which apps hear of a company (an active connection and a webhook URL).
- ``payloads``: the CloudEvents and legacy bodies and the ``intuit-signature``.
- ``delivery``: ``webhooks_flush`` (events into deliveries, then sending) and the retries.
- ``dispatcher``: the per-process thread that flushes when a window ends and retries when due. Tests, where
  django-q2 runs synchronously, call ``webhooks_flush`` themselves (``QBO_SANDBOX_WEBHOOK_DISPATCH``).
"""
