"""
django-q2's cluster (``qcluster``), made to stop cleanly whoever sends SIGTERM.

A service manager may send SIGTERM to the cluster's main process only (systemd's ``KillMode=mixed``) or to every
process of it (``KillMode=control-group``, systemd's default; ``kill -- -PGID``). django-q2 handles the first: the
main process tells its sentinel to stop, the sentinel lets the workers finish their tasks. The second hangs: the
sentinel dies at once on SIGTERM (it restores the default action), and the main process then waits for ever in
``Event.set()``, which waits for every process asleep in ``Event.wait()`` to wake, the dead sentinel among them.

``StoppableCluster`` fixes both on FieldOffice's side, without changing django-q2:

- the sentinel and the processes it starts (workers, pusher, monitor) ignore SIGTERM: only the main process acts on
  it, so a signal to the whole group stops the cluster exactly as a signal to its main process does;
- the main process sets the stop event from a helper thread and waits for the sentinel itself, so that a sentinel
  that died anyway (SIGKILL) cannot hang it;
- a stopping sentinel gives back the tasks its workers had taken ahead but not started (``queue_limit``): they go
  back to the broker for another worker at once, instead of being run here first or waiting ``retry`` seconds.
  What a worker is running, it finishes.
"""

import logging
import queue
import signal
import threading
import uuid
from multiprocessing import current_process

from django.utils import timezone
from django_q.cluster import Cluster, Sentinel, get_mp_context
from django_q.conf import Conf
from django_q.models import OrmQ

logger = logging.getLogger(__name__)


class StoppableSentinel(Sentinel):
    def __init__(self, stop_event, start_event, cluster_id, broker=None, timeout=None, start=True):
        super().__init__(stop_event, start_event, cluster_id, broker, timeout, start=False)
        # Set before any worker is started, so that they inherit it.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if start:
            self.start()

    def stop(self):
        # The pusher stops at its next turn; one waiting to put a task in the full queue gets room from the drain.
        self.event_out.set()
        given_back = []
        while True:
            pusher_alive = self.pusher.is_alive()
            given_back += self._prefetched_give_back()
            if not pusher_alive:
                break
        if given_back:
            logger.info("%s gave back %s task(s) it had not started: %s", self.name, len(given_back), given_back)
        super().stop()

    def _prefetched_give_back(self) -> list[str]:
        """Hand the tasks no worker has started yet back to the broker (the database broker: unlock them)."""
        given_back = []
        while True:
            try:
                task = self.task_queue.get(timeout=0.1)
            except (queue.Empty, OSError, ValueError):
                return given_back
            if task == "STOP":
                continue
            if Conf.ORM and task.get("ack_id"):
                OrmQ.objects.using(Conf.ORM).filter(pk=task["ack_id"]).update(lock=timezone.now())
                given_back.append(task.get("name") or task.get("id"))


class StoppableCluster(Cluster):
    def start(self) -> int:
        # As django-q2's Cluster.start, with the sentinel above.
        self.stop_event = get_mp_context().Event()
        self.start_event = get_mp_context().Event()
        self.sentinel = get_mp_context().Process(
            target=StoppableSentinel,
            name=f"Process-{uuid.uuid4().hex}",
            args=(self.stop_event, self.start_event, self.cluster_id, self.broker, self.timeout),
        )
        self.sentinel.start()
        logger.info("Q Cluster %s starting.", self.name)
        while self.start_event and not self.start_event.is_set():
            if not self.sentinel.is_alive():
                if self.sentinel.exitcode == 0:
                    break
                raise RuntimeError(f"Q Cluster {self.name} failed to start: sentinel exited {self.sentinel.exitcode}")
            self.sentinel.join(0.1)
        return self.pid

    def stop(self) -> bool:
        if self.sentinel is None or not self.sentinel.is_alive():
            return False
        logger.info("Q Cluster %s stopping.", self.name)
        stop_event = self.stop_event
        if stop_event is not None:
            # Event.set() waits for the processes asleep in Event.wait() to wake: never here, for a dead sentinel.
            threading.Thread(target=stop_event.set, name="qcluster-stop", daemon=True).start()
        self.sentinel.join()
        logger.info("Q Cluster %s has stopped.", self.name)
        self.start_event = None
        self.stop_event = None
        return True

    def sig_handler(self, signum, frame):
        logger.info("%s got signal %s", current_process().name, Conf.SIGNAL_NAMES.get(signum, signum))
        self.stop()
