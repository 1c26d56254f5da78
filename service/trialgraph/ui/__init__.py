"""The browser workspace at `/ui`: protocol pages, the screening dashboard, patient pages,
records upload, a query page and sign-in. Every page has a JSON twin (`/ui/x` and
`/ui/x.json`); the route table is `trialgraph.ui.views`.

Pages sign in with the API tokens into a session cookie (trialgraph.ui.session); the JSON API
itself keeps taking tokens in the Authorization header only.
"""

from flask import Blueprint

ui = Blueprint(
    "ui",
    __name__,
    url_prefix="/ui",
    template_folder="templates",
    static_folder="static",
)

from trialgraph.ui import views  # noqa: E402, F401  (registers the routes on `ui`)
