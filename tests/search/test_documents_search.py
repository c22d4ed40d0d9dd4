"""Issued orders and resolutions in search, on both backends: public ones only, ИИН masked,
certificates never indexed, voided documents removed, reindex and search-check included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from registry import documents as records
from registry.config import RegistryConfig
from registry.service import Registry
from search.backend import SearchBackend
from search.query import parse_query
from search.service import Search
from tests.factories import new_document
from tests.templates.docx_factory import make_docx

DAY = date(2026, 11, 25)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ORDER_TEXT = "Жеңісова Әсемгүлді 900315400017 бас маман лауазымына тағайындау туралы"


@pytest.fixture
def search(tmp_path: Path, backend: SearchBackend) -> Iterator[Search]:
    registry = Registry.open(
        RegistryConfig(database_url=f"sqlite:///{tmp_path}/kense.db", data_dir=tmp_path / "data")
    )
    registry.migrate()
    registry.load_seed()
    service = Search(registry, backend)
    registry.after_commit.append(service.drain)
    backend.ensure()
    service.drain()
    yield service
    registry.close()


def draft(registry: Registry, kind: str, text: str) -> str:
    docx = make_docx(["БҰЙРЫҚ", text])
    new = new_document(
        series=kind,
        kind=kind,
        data={"kk": {"text": text}},
        files=[records.GeneratedFile("kk", "docx", DOCX, docx)],
    )
    return str(registry.create_document(new, "tester")["id"])


def final_files(number: str | None, day: date) -> list[records.GeneratedFile]:
    docx = make_docx([f"БҰЙРЫҚ № {number}", ORDER_TEXT])
    return [records.GeneratedFile("kk", "docx", DOCX, docx)]


def hits(search: Search, q: str, *, staff: bool = False) -> list[object]:
    return list(search.search(parse_query({"q": q, "type": "document"}, staff=staff)).hits)


def test_an_order_is_found_by_everyone_once_final_and_never_as_a_draft(search: Search) -> None:
    order = draft(search.registry, "order", ORDER_TEXT)
    assert hits(search, "лауазымына тағайындау") == []
    # Not even by staff: roles to read drafts are held per issuing body (documents list).
    assert hits(search, "лауазымына тағайындау", staff=True) == []
    search.registry.finalise_document(order, final_files, "tester", DAY)
    (hit,) = hits(search, "бас маман тағайындау")
    assert hit.type == "document" and hit.num == "1"  # type: ignore[attr-defined]
    assert hit.frbr_uri.endswith(order)  # type: ignore[attr-defined]
    assert "900315400017" not in hit.text and "************" in hit.text  # type: ignore[attr-defined]
    assert hits(search, "900315400017") == []
    search.registry.void_document(order, "қате", "tester", DAY)
    assert hits(search, "бас маман тағайындау", staff=True) == []


def test_certificates_never_enter_the_index(search: Search) -> None:
    certificate = draft(search.registry, "certificate", "Жеңісова Әсемгүл қандас куәлігі")
    search.registry.finalise_document(certificate, final_files, "tester", DAY)
    assert hits(search, "Жеңісова", staff=True) == []


def test_reindex_and_check_include_issued_documents(search: Search) -> None:
    order = draft(search.registry, "order", ORDER_TEXT)
    search.registry.finalise_document(order, final_files, "tester", DAY)
    assert search.check()["ok"]
    before = search.check()["index_documents"]
    search.reindex()
    after = search.check()
    assert after["ok"] and after["index_documents"] == before
    assert len(hits(search, "бас маман тағайындау")) == 1


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("ЖСН 900315400017.", "ЖСН ************."),
        ("ИИН 900315 400017, берілді", "ИИН ************, берілді"),
        ("ИИН 900 315 400 017 берілді", "ИИН ************ берілді"),
        ("БСН 210240 012345", "БСН ************"),
        ("2021 жылғы 12 қарашадағы № 514", "2021 жылғы 12 қарашадағы № 514"),
        ("сома 100 000 000 000 теңге", "сома 100 000 000 000 теңге"),
        ("тел. 8 777 123 4567", "тел. 8 777 123 4567"),
        ("1234567890123", "1234567890123"),
    ],
)
def test_personal_numbers_are_masked_sums_and_dates_are_not(text: str, masked: str) -> None:
    from search.documents import mask_personal_data

    assert mask_personal_data(text) == masked
