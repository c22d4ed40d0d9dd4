"""Search through HTTP and the CLI: the API contract, the page, and bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

import app as kense_app
from registry.routes import registry_of
from tests.factories import staff_client


@pytest.fixture
def flask_app(tmp_path: Path) -> Iterator[Flask]:
    app = kense_app.create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/kense.db",
            "DATA_DIR": str(tmp_path),
            "SEARCH_DRAIN": "sync",
            "TESTING": True,
        }
    )
    registry = registry_of(app)
    registry.migrate()
    registry.load_seed()
    yield app
    registry.close()


@pytest.fixture
def client(flask_app: Flask) -> FlaskClient:
    return staff_client(flask_app)


def test_api_search_returns_hits_total_and_facets(client: FlaskClient) -> None:
    response = client.get("/api/v1/search", query_string={"q": "босқын куәлігі"})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"hits", "total", "facets", "page", "size"}
    hit = body["hits"][0]
    assert set(hit) >= {
        "type",
        "frbr_uri",
        "eid",
        "num",
        "text",
        "highlight",
        "score",
        "valid_from",
        "valid_to",
    }
    assert hit["text"] == "49) босқын куәлігін береді;"
    assert "<mark>босқын</mark>" in hit["highlight"]
    assert "босқын" in response.get_data(as_text=True)  # UTF-8, not \\u escapes


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({}, "q"),
        ({"q": "x", "lang": "de"}, "lang"),
        ({"q": "x", "at": "yesterday"}, "at"),
        ({"q": "x", "size": "0"}, "size"),
        ({"q": "x", "type": "people"}, "type"),
    ],
)
def test_api_search_refuses_bad_input_naming_the_field(
    client: FlaskClient, args: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_search_page_shows_highlights_and_facets(client: FlaskClient) -> None:
    page = client.get("/search", query_string={"q": "қандас", "ui": "ru"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<mark>қандас</mark>" in html
    assert 'class="facet"' in html and "provision" in html
    assert "chp_2__para_15__point_41" in html
    hostile = client.get("/search", query_string={"q": "<script>alert(1)</script>"})
    assert hostile.status_code == 200
    assert "<script>alert(1)</script>" not in hostile.get_data(as_text=True)


def test_cli_search_json_and_reindex_and_check(flask_app: Flask, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"KENSE_DATABASE_URL": f"sqlite:///{tmp_path}/kense.db", "KENSE_DATA_DIR": str(tmp_path)}
    found = runner.invoke(kense_app.cli, ["search", "Peshkov", "--json"], env=env)
    assert found.exit_code == 0, found.output
    data = json.loads(found.stdout)
    assert set(data) == {"hits", "total", "facets"}
    assert "Пешков" in data["hits"][0]["text"]
    assert runner.invoke(kense_app.cli, ["reindex"], env=env).exit_code == 0
    check = runner.invoke(kense_app.cli, ["search-check", "--json"], env=env)
    assert check.exit_code == 0 and json.loads(check.stdout)["ok"]
    bad = runner.invoke(kense_app.cli, ["search", "x", "--at", "nope"], env=env)
    assert bad.exit_code == 2 and "at" in bad.stderr
