"""
``manage.py workers``: FieldOffice's background workers, the command to run under a service manager (systemd).

It is django-q2's ``qcluster`` with a clean stop on SIGTERM, whether sent to its main process or to all of its
processes (``apps.core.workers``), and it declares again the schedules the workers need (the reconciler of sync
runs, which ``migrate`` declares first), repairing one edited by hand.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.core.workers import StoppableCluster
from apps.quickbooks.services.schedules import reconcile_schedule_update


class Command(BaseCommand):
    help = "Starts FieldOffice's background workers (a django-q2 cluster that stops cleanly on SIGTERM)."

    def handle(self, *args, **options):
        settings.SECRET_KEY  # noqa: B018 - tasks are signed with it: refuse to start without one
        reconcile_schedule_update()
        cluster = StoppableCluster()
        cluster.start()
        # The main process waits for the sentinel, handling SIGTERM and SIGINT meanwhile.
        while cluster.sentinel.is_alive():
            cluster.sentinel.join(0.5)
