"""
Intuit's limits and the faults a real QuickBooks connection shows, applied to every Accounting API call.

``apps.qbo_sandbox.api.decorators.qbo_api`` runs each authenticated request through ``guard.guarded_call``:

1. **Concurrency**: at most ``rate_limit_concurrent`` requests of one app to one company in flight (Intuit: 10 per
   realm and app).
2. **Rates**, over a sliding window of one minute divided by ``time_scale``: ``rate_limit_per_minute`` per company
   (Intuit: 500 per realm, batch calls included), ``batch_rate_limit_per_minute`` per company and app (Intuit: 40),
   and, when set, ``rate_limit_per_second`` per company and app. Only admitted requests are counted.
3. **Injected faults**, drawn from a random generator seeded with ``random_seed`` and the request's sequence number:
   a dropped connection, a slow answer, an HTTP error from ``error_rates``, an XML body for faults; and a fixed
   ``latency_ms`` on every call.

Over a limit the answer is Intuit's 429 ``ThrottleExceeded`` fault. Throttling comes after authentication: Intuit
counts per realm and app, which only a valid token tells; an anonymous call gets its 401 and costs nothing.
"""
