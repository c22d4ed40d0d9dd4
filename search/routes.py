"""HTTP edge of search: GET /api/v1/search and the search page."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request

from registry.routes import sees_drafts
from registry.service import Registry
from search.config import SearchConfig
from search.indexer import BackgroundDrainer, drainer
from search.query import parse_query
from search.service import Search

EXTENSION = "kense.search"
DRAINER = "kense-search-drainer"
api = Blueprint("search_api", __name__, url_prefix="/api/v1")
pages = Blueprint("search_pages", __name__, template_folder="pages")


def init_app(app: Flask, settings: dict[str, Any], registry: Registry, *, sync: bool) -> None:
    """``sync``: drain after each write in the writing thread (CLI, tests), else in a thread."""
    search = Search.open(SearchConfig.from_mapping(settings), registry)
    app.extensions[EXTENSION] = search
    if sync:
        catch_up = drainer(registry, search.backend)
    else:
        catch_up = BackgroundDrainer(registry, search.backend).notify
    app.extensions[DRAINER] = catch_up
    registry.after_commit.append(catch_up)
    app.register_blueprint(api)
    app.register_blueprint(pages)


def catch_up(app: Flask) -> None:
    """Index what the outbox holds (at start-up: changes made while no server was running)."""
    app.extensions[DRAINER]()


def search_of(app: Flask) -> Search:
    search: Search = app.extensions[EXTENSION]
    return search


def _args() -> dict[str, str | None]:
    keys = ("q", "lang", "at", "type", "status", "issuer", "from", "to", "page", "size")
    return {k: request.args.get(k) for k in keys}


@api.get("/search")
def search_api() -> Response:
    query = parse_query(_args(), staff=sees_drafts())
    result = search_of(current_app).search(query)
    body = result.to_dict() | {"page": query.page, "size": query.size}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


@pages.get("/search")
def search_page() -> str:
    from registry.html import labels

    ui = request.args.get("ui") or request.cookies.get("ui") or "kk"
    ui = ui if ui in ("kk", "ru") else "kk"
    args = _args()
    result = None
    query = None
    if args.get("q"):
        query = parse_query(args, staff=sees_drafts())
        result = search_of(current_app).search(query)
    return render_template(
        "search.html", ui=ui, t=labels(ui), args=args, query=query, result=result
    )
