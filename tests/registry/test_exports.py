"""Every Akoma Ntoso export of the registry validates against the OASIS schema."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources

import pytest

from registry.akn import from_akn, validate_akn
from registry.formats import act_akn, act_json, act_text
from registry.service import Registry
from tests.factories import amendment, insert_after, repeal, small_act, substitute

SEED = "/akn/kz-kus/act/resolution/2021-11-12/514"
URI = "/akn/kz-kus/act/resolution/2020-01-10/100"


@pytest.mark.parametrize("at", [date(2021, 11, 12), date(2022, 6, 1), date(2023, 10, 17)])
def test_seed_exports_validate_at_every_version(sqlite_registry: Registry, at: date) -> None:
    sqlite_registry.load_seed()
    view = sqlite_registry.act_at(SEED, "kk", at)
    xml = act_akn(view, sqlite_registry.work_info(SEED))
    validate_akn(xml)
    uri, parsed = from_akn(xml)
    assert uri is not None and uri.work == SEED
    assert parsed.root.to_dict() == view.root.to_dict()
    assert b'FRBRnumber value="514"' in xml


def test_exports_after_amendments_validate(sqlite_registry: Registry) -> None:
    sqlite_registry.store_parsed(small_act(), None)
    sqlite_registry.amend(
        URI,
        amendment(
            substitute("chp_1__para_1", "Жаңа:\n1) бір;\n2) екі."),
            insert_after("chp_1__para_2", "2-1", "Қосылған."),
            repeal("chp_1__para_3"),
        ),
    )
    view = sqlite_registry.act_at(URI, "kk", date(2022, 4, 1))
    validate_akn(act_akn(view, sqlite_registry.work_info(URI)))
    data = act_json(view)
    assert data["notes"] and all(n["text"].startswith("Ескерту.") for n in data["notes"])
    assert "2-1. Қосылған." in act_text(view)


def test_seed_text_has_the_same_words_as_the_source(sqlite_registry: Registry) -> None:
    sqlite_registry.load_seed()
    source = resources.files("registry").joinpath("seed", "kostanay-514-2021-ereje.kk.md")
    words = re.findall(r"\w+", source.read_text("utf-8"))
    shown = re.findall(r"\w+", act_text(sqlite_registry.act_at(SEED, "kk", date(2024, 1, 1))))
    assert shown == words
