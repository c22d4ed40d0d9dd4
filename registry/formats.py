"""An act view in each output format: JSON, plain text, Akoma Ntoso, HTML."""

from __future__ import annotations

from typing import Any

from registry.acts import ActView

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
            }
            for g in view.gaps
        ],
    }


def act_text(view: ActView) -> str:
    from registry.render import to_text

    return to_text(view.root, view.notes, view.lang)


def act_akn(view: ActView, act_issuer: str | None = None) -> bytes:
    from registry.akn import to_akn
    from registry.model import ActRef

    act = ActRef(view.uri.subtype, view.uri.number, view.uri.date, act_issuer)
    return to_akn(
        view.uri,
        act,
        view.lang,
        view.valid_from,
        view.root,
        view.notes,  # type: ignore[arg-type]
        title=view.title,
    )
