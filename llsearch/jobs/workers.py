"""The rq worker classes `llsearch worker` runs."""

from __future__ import annotations

from rq import SimpleWorker, Worker

PUBSUB_POLL_SECONDS = 1.0


class _ShortPubSubPoll:
    """rq polls its command channel (shutdown, stop-job) every 60 s; when the unsubscribe reply races
    the listener thread, the worker's exit waits that long (rq#1613). Polling every second bounds it."""

    def subscribe(self) -> None:
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=PUBSUB_POLL_SECONDS, daemon=True, exception_handler=self._pubsub_exception_handler
        )


class InProcessWorker(_ShortPubSubPoll, SimpleWorker):
    """Runs each job in the worker process: the app is built once and its connections reused."""


class ForkingWorker(_ShortPubSubPoll, Worker):
    """Runs each job in a forked child (rq's default): isolation, one app build per job."""
