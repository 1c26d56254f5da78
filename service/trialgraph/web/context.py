"""What the blueprints share: the settings, the store, the tokens, the audit log and the
query workers of the running app."""

import atexit
from dataclasses import dataclass

from flask import current_app

from trialgraph.fair_share import FairShare
from trialgraph.query_workers import WorkerPool
from trialgraph.settings import Settings
from trialgraph.store import TrialStore
from trialgraph.web.audit import AuditLog
from trialgraph.web.auth import Tokens
from trialgraph.web.sessions import Sessions


@dataclass
class Services:
    """The app's resources."""

    settings: Settings
    store: TrialStore
    tokens: Tokens
    audit: AuditLog
    workers: WorkerPool
    fair_share: FairShare
    sessions: Sessions

    def close(self) -> None:
        """Stop the query workers and flush the store; from then on the exit hook no longer
        holds the store, so it is closed (its files released) with the app."""
        atexit.unregister(self.close)
        self.workers.close()
        self.store.close()


def services() -> Services:
    """The resources of the current app."""
    return current_app.extensions["trialgraph"]
