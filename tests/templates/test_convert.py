"""DOCX → PDF/A-2b through real LibreOffice: the warm pool, the cold soffice and the fallback."""

from __future__ import annotations

import logging
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from templates.convert import ColdConverter, FallbackConverter, UnoPool
from templates.errors import ConversionError, ConverterUnavailable
from templates.pdf import pdfa_part
from tests.templates.conftest import (
    KAZAKH_LETTERS,
    KAZAKH_TEXT,
    RUSSIAN_TEXT,
    make_docx,
    pdffonts,
    pdftotext,
    require_libreoffice,
)


def words(text: str) -> str:
    """The text without white space: pdftotext guesses the spaces between narrow letters."""
    return "".join(text.split())


def assert_sample(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    text = words(pdftotext(pdf))
    assert words(KAZAKH_TEXT) in text
    assert words(RUSSIAN_TEXT) in text
    assert set(KAZAKH_LETTERS) <= set(text)


def wait_until_ready(pool: UnoPool, restarts: int, seconds: float = 60.0) -> dict[str, object]:
    """Wait until every worker is up again and at least ``restarts`` restarts happened."""
    deadline = time.monotonic() + seconds
    while True:
        health = pool.health()
        done = sum(w["restarts"] for w in health["workers"])
        if health["status"] == "ok" and done >= restarts:
            return health
        assert time.monotonic() < deadline, health
        time.sleep(0.2)


def total_restarts(pool: UnoPool) -> int:
    return sum(int(w["restarts"]) for w in pool.health()["workers"])


def test_pool_makes_pdfa_2b_with_every_kazakh_letter(sample_pdf: bytes) -> None:
    assert_sample(sample_pdf)
    assert pdfa_part(sample_pdf) == ("2", "B")
    fonts = pdffonts(sample_pdf)
    assert fonts
    assert all(font["emb"] == "yes" for font in fonts), fonts
    assert all("LiberationSerif" in f["name"] or "TimesNewRoman" in f["name"] for f in fonts)


def test_pool_health_reports_its_workers(pool: UnoPool, sample_pdf: bytes) -> None:
    health = pool.health()
    assert health["status"] == "ok"
    assert health["ready"] == 2
    assert health["libreoffice"]
    assert [w["index"] for w in health["workers"]] == [0, 1]
    assert all(w["port"] and w["pid"] for w in health["workers"])


def test_cold_converter_gives_the_same_text(sample_docx: bytes, sample_pdf: bytes) -> None:
    require_libreoffice()
    pdf = ColdConverter().to_pdf(sample_docx)
    assert_sample(pdf)
    assert pdfa_part(pdf) == ("2", "B")
    assert words(pdftotext(pdf)) == words(pdftotext(sample_pdf))


def test_a_job_over_its_timeout_fails_and_its_worker_is_restarted(
    pool: UnoPool, sample_docx: bytes
) -> None:
    before = total_restarts(pool)
    with pytest.raises(ConversionError, match=r"within 0\.001 s") as info:
        pool.to_pdf(sample_docx, timeout=0.001)
    assert type(info.value) is ConversionError
    assert_sample(pool.to_pdf(sample_docx))
    wait_until_ready(pool, before + 1)
    assert_sample(pool.to_pdf(sample_docx))


def test_killed_workers_are_restarted_on_next_use(pool: UnoPool, sample_docx: bytes) -> None:
    health = wait_until_ready(pool, 0)
    before = total_restarts(pool)
    for worker in health["workers"]:  # type: ignore[attr-defined]
        os.killpg(worker["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(w["state"] != "dead" for w in pool.health()["workers"]):
        assert time.monotonic() < deadline, pool.health()
        time.sleep(0.05)
    assert pool.health()["status"] == "down"
    with ThreadPoolExecutor(2) as jobs:
        pdfs = list(jobs.map(lambda _: pool.to_pdf(sample_docx), range(2)))
    for pdf in pdfs:
        assert_sample(pdf)
    assert total_restarts(pool) == before + 2
    assert pool.health()["status"] == "ok"


def test_four_threads_convert_at_once(pool: UnoPool) -> None:
    docs = [make_docx(f"Құжат № {i}", KAZAKH_TEXT, RUSSIAN_TEXT) for i in range(8)]
    with ThreadPoolExecutor(4) as jobs:
        pdfs = list(jobs.map(pool.to_pdf, docs))
    for i, pdf in enumerate(pdfs):
        assert_sample(pdf)
        assert f"Құжат № {i}" in pdftotext(pdf)


def test_a_bad_document_is_a_conversion_error_not_retried_cold(
    pool: UnoPool, caplog: pytest.LogCaptureFixture
) -> None:
    fallback = FallbackConverter(pool, ColdConverter(soffice="/nonexistent/soffice"))
    with (
        caplog.at_level(logging.WARNING, logger="kense.convert"),
        pytest.raises(ConversionError, match="valid DOCX") as info,
    ):
        fallback.to_pdf(b"this is not a DOCX")
    assert type(info.value) is ConversionError
    assert not [r for r in caplog.records if r.name == "kense.convert"]
    assert pool.health()["status"] == "ok"


def test_fallback_converts_cold_when_the_pool_cannot_start(
    sample_docx: bytes, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    require_libreoffice()
    pool = UnoPool(size=1, python=tmp_path / "no-venv" / "bin" / "python")
    fallback = FallbackConverter(pool, ColdConverter())
    try:
        with caplog.at_level(logging.WARNING, logger="kense.convert"):
            pdf = fallback.to_pdf(sample_docx)
        assert_sample(pdf)
        warnings = [r for r in caplog.records if r.name == "kense.convert"]
        assert [r.levelno for r in warnings] == [logging.WARNING]
        assert "cold soffice" in warnings[0].getMessage()
        assert "unoserver-venv.sh" in warnings[0].getMessage()
        health = fallback.health()
        assert health["status"] == "degraded"
        assert health["pool"]["status"] == "down"
        with pytest.raises(ConverterUnavailable, match="no LibreOffice worker"):
            pool.to_pdf(sample_docx)  # fails at once until retry_after has passed
    finally:
        fallback.close()
    assert pool.health()["status"] == "closed"


def test_cold_converter_timeout_kills_soffice(sample_docx: bytes) -> None:
    require_libreoffice()
    with pytest.raises(ConversionError, match=r"within 0\.05 s"):
        ColdConverter(timeout=0.05).to_pdf(sample_docx)


def test_cold_converter_without_libreoffice_is_unavailable(sample_docx: bytes) -> None:
    cold = ColdConverter(soffice="/nonexistent/soffice")
    assert cold.health()["status"] == "down"
    with pytest.raises(ConverterUnavailable, match="libreoffice-writer-nogui"):
        cold.to_pdf(sample_docx)


def test_pool_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="size"):
        UnoPool(size=0)
    with pytest.raises(ValueError, match="timeouts"):
        UnoPool(timeout=0)
