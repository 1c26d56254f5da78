"""The Flask app factory: it only wires the resources and the blueprints (the route map is
the list below; each blueprint's module says what its routes do)."""

import atexit

from flask import Flask, Response, request

from trialgraph.fair_share import FairShare
from trialgraph.private_files import make_private
from trialgraph.query_workers import WorkerPool
from trialgraph.settings import Settings
from trialgraph.store import TrialStore, open_store
from trialgraph.ui import ui
from trialgraph.ui.session import SESSION_LIFETIME
from trialgraph.web import errors
from trialgraph.web.api_docs import api_docs
from trialgraph.web.audit import AuditLog
from trialgraph.web.auth import Tokens
from trialgraph.web.context import Services
from trialgraph.web.dataset import dataset
from trialgraph.web.graph_store import graph_store
from trialgraph.web.limits import read_in_worker
from trialgraph.web.patients import patients
from trialgraph.web.queries import queries
from trialgraph.web.screening import screening
from trialgraph.web.sessions import Sessions
from trialgraph.web.sparql import sparql

BLUEPRINTS = [sparql, graph_store, patients, screening, queries, dataset, api_docs, ui]


def create_app(settings: Settings | None = None, store: TrialStore | None = None) -> Flask:
    """Make the app for these settings (default: from the environment) and store."""
    settings = settings or Settings.from_env()
    make_private(settings.data_dir)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes
    app.json.sort_keys = False
    resources = Services(
        settings=settings,
        store=store or open_store(settings.store_dir, settings.snapshots_dir),
        tokens=Tokens.open(settings.tokens_path),
        audit=AuditLog(settings.audit_log),
        workers=WorkerPool(settings.query_workers, settings.query_memory_mb),
        fair_share=FairShare(settings.caller_requests, max(1, settings.query_workers - 1)),
        sessions=Sessions(settings.data_dir / "sessions.json", SESSION_LIFETIME.total_seconds()),
    )
    resources.store.reader = read_in_worker
    resources.store.write_wait = settings.query_timeout
    app.extensions["trialgraph"] = resources
    atexit.register(resources.close)
    errors.init_app(app)
    app.after_request(cors)
    app.after_request(no_store)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


def no_store(response: Response) -> Response:
    """No answer may be stored by a cache or read as another type than it says (patient data
    can be in any answer but the stylesheet)."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.endpoint != "ui.static":
        response.headers["Cache-Control"] = "no-store"
    return response


def cors(response: Response) -> Response:
    """Let pages on any origin call the API (tokens travel in a header, not in cookies)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Accept"
    response.headers["Access-Control-Expose-Headers"] = "Content-Type, Content-Length"
    return response
