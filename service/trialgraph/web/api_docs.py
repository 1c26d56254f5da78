"""The OpenAPI 3.1 description of the HTTP API (web/openapi.yaml), served as JSON."""

from functools import cache
from importlib.resources import files

import yaml
from flask import Blueprint, jsonify

api_docs = Blueprint("api_docs", __name__)


@cache
def openapi_document() -> dict:
    """The OpenAPI document, parsed once."""
    text = files("trialgraph.web").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@api_docs.get("/openapi.json")
def openapi():
    """The API description, readable without a token."""
    return jsonify(openapi_document())
