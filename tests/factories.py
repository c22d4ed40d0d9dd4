"""Small builders of acts for tests (never rows by hard-coded id)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from registry.documents import GeneratedFile, NewDocument, new_public_id
from registry.model import ActRef, Node, Note, NotedAmendment, ParsedAct
from registry.policy import BODIES, ROLES
from registry.routes import registry_of


def small_act(
    *,
    number: str = "100",
    day: date = date(2020, 1, 10),
    paragraphs: int = 5,
    points: int = 3,
    lang: str = "kk",
    history: list[NotedAmendment] | None = None,
    notes: list[Note] | None = None,
) -> ParsedAct:
    """A resolution approving a Regulation with one chapter of numbered paragraphs and points."""
    chapter = Node("chapter", "chp_1", "1", "Жалпы ережелер" if lang == "kk" else "Общие положения")
    for p in range(1, paragraphs + 1):
        para = Node("paragraph", f"chp_1__para_{p}", str(p), text=f"{lang} paragraph {p} lead:")
        for q in range(1, points + 1):
            para.children.append(
                Node("point", f"chp_1__para_{p}__point_{q}", str(q), text=f"{lang} p{p} point {q};")
            )
        chapter.children.append(para)
    root = Node(
        "act",
        "act",
        heading=f"{lang} title of № {number}",
        children=[
            Node("preface", "preface", text=f"{lang} citation № {number}"),
            Node("paragraph", "para_1", "1", text=f"{lang} approve the Regulation."),
            Node(
                "attachment",
                "att_1",
                heading=f"{lang} Regulation",
                text="stamp",
                children=[chapter],
            ),
        ],
    )
    return ParsedAct(
        lang=lang,  # type: ignore[arg-type]
        act=ActRef("resolution", number, day, "Қостанай облысы әкімдігі"),
        title=root.heading or "",
        root=root,
        notes=notes or [],
        history=history or [],
        days_after_publication=None,
        place="kz-kus",
    )


def amendment(
    *ops: dict[str, Any],
    number: str = "7",
    day: str = "2022-03-01",
    rule: str = "fixed",
    effective: str | None = "2022-04-01",
) -> dict[str, Any]:
    eff: dict[str, Any] = {"rule": rule}
    if rule == "fixed":
        eff["date"] = effective
    return {
        "amending_act": {
            "type": "resolution",
            "issuer": "Қостанай облысы әкімдігі",
            "number": number,
            "date": day,
            "title": {"kk": f"№ {number} өзгерістер енгізу туралы"},
        },
        "effective": eff,
        "operations": list(ops),
    }


def substitute(eid: str, kk: str, **more: str) -> dict[str, Any]:
    return {"op": "substitute", "eid": eid, "text": {"kk": kk, **more}}


def insert_after(eid: str, num: str, kk: str) -> dict[str, Any]:
    return {"op": "insert_after", "eid": eid, "num": num, "text": {"kk": kk}}


def repeal(eid: str) -> dict[str, Any]:
    return {"op": "repeal", "eid": eid}


def new_document(
    *,
    series: str = "order",
    kind: str = "order",
    numbered: bool = True,
    data: dict[str, Any] | None = None,
    files: list[GeneratedFile] | None = None,
    **more: Any,
) -> NewDocument:
    """A document record as the workflow hands it to the registry (a fresh public id)."""
    return NewDocument(
        public_id=new_public_id(),
        template_id=series,
        template_version="v1",
        kind=kind,
        series=series,
        numbered=numbered,
        issuer="department",
        title="Бұйрық",
        data=data if data is not None else {"kk": {}},
        files=files or [],
        **more,
    )


#: Every role in every issuing body: what the tests of features (not of the policy) act with.
ALL_ROLES = [(body, role) for body in BODIES for role in ROLES]
PASSWORD = "correct horse battery staple"


def staff_client(
    app: Flask, roles: list[tuple[str, str]] | None = None, username: str = "staff"
) -> FlaskClient:
    """A client of ``app`` sending a bearer token of a new user holding ``roles`` (all roles
    in all bodies by default)."""
    registry = registry_of(app)
    registry.add_user(username, PASSWORD, ALL_ROLES if roles is None else roles)
    token = registry.create_token(username)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token.secret}"
    return client
