"""An act view in each output format: JSON, plain text, Akoma Ntoso, HTML."""

from __future__ import annotations

from typing import Any

from registry.acts import ActView
from registry.akn import to_akn
from registry.model import ActRef
from registry.render import to_text

FORMATS = ("text", "json", "akn", "html")


def act_json(view: ActView) -> dict[str, Any]:
    """The act tree (design.md §2) with its metadata, notes and what is not held."""
    tree = view.root.to_dict()
    return {
        **tree,
        "frbr_uri": view.uri.work,
        "expression_uri": view.uri.expression(view.lang, view.valid_from),
        "lang": view.lang,
        "at": view.at.isoformat(),
        "title": view.title,
        "valid_from": view.valid_from.isoformat(),
        "valid_to": view.valid_to.isoformat() if view.valid_to else None,
        "date_assumed": view.date_assumed,
        "notes": [{"eid": n.eid, "placement": n.placement, "text": n.text} for n in view.notes],
        "not_held": [
            {
                "eid": g.eid,
                "num": g.num,
                "message": g.message,
                "held_from": g.held_from.isoformat() if g.held_from else None,
                "held_by": g.held_by,
            }
            for g in view.gaps
        ],
    }


def act_text(view: ActView) -> str:
    return to_text(view.root, view.notes, view.lang)


def act_akn(view: ActView, work: dict[str, Any]) -> bytes:
    """Akoma Ntoso of the view; ``work`` is Registry.work_info() (printed number, issuer)."""
    act = ActRef(view.uri.subtype, work["number"], view.uri.date, work["issuer"])
    return to_akn(
        view.uri, act, view.lang, view.valid_from, view.root, view.notes, title=view.title
    )
