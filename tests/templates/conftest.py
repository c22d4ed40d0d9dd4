"""Fixtures of the document tests: real LibreOffice through one session pool of two warm workers,
a small Kazakh/Russian DOCX, and poppler's command-line tools.

Without LibreOffice, the unoserver venv or poppler-utils the tests FAIL under
KENSE_REQUIRE_SERVICES=1 (make test, CI) and are skipped otherwise.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from templates.convert import DEFAULT_PYTHON, UnoPool, find_soffice
from templates.errors import ConverterUnavailable
from tests.conftest import service_missing

KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
KAZAKH_TEXT = "Қостанай облысы әкімдігінің қаулысы: " + " ".join(KAZAKH_LETTERS)
RUSSIAN_TEXT = "Постановление акимата Костанайской области № 514 от 12 ноября 2021 года"


def require_libreoffice() -> None:
    if find_soffice() is None:
        service_missing("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")


def require_poppler() -> None:
    for tool in ("pdftotext", "pdffonts"):
        if shutil.which(tool) is None:
            service_missing(f"{tool} is not installed (apt-get install poppler-utils)")


def pdftotext(pdf: bytes) -> str:
    require_poppler()
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdffonts(pdf: bytes) -> list[dict[str, str]]:
    """Each font of the PDF as pdffonts prints it (columns cut where its header's dashes are)."""
    require_poppler()
    done = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    header, dashes, *rows = done.stdout.decode("utf-8").splitlines()
    spans: list[tuple[int, int]] = []
    start = 0
    for width in (len(d) for d in dashes.split(" ")):
        spans.append((start, start + width))
        start += width + 1
    names = [header[a:b].strip() for a, b in spans]
    return [{n: row[a:b].strip() for n, (a, b) in zip(names, spans, strict=True)} for row in rows]


def make_docx(*paragraphs: str) -> bytes:
    """An A4 DOCX whose text is all in Times New Roman (ascii, hAnsi and complex script)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), "Times New Roman")
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def sample_docx() -> bytes:
    return make_docx(KAZAKH_TEXT, RUSSIAN_TEXT)


@pytest.fixture(scope="session")
def pool() -> Iterator[UnoPool]:
    """Two warm workers for the whole session, stopped at its end."""
    require_libreoffice()
    if not DEFAULT_PYTHON.exists():
        service_missing(f"{DEFAULT_PYTHON} is missing (run scripts/unoserver-venv.sh)")
    converter = UnoPool(size=2, timeout=60.0)
    try:
        converter.start()
    except ConverterUnavailable as exc:
        converter.close()
        service_missing(f"the LibreOffice pool did not start: {exc}")
    yield converter
    converter.close()


@pytest.fixture(scope="session")
def sample_pdf(pool: UnoPool, sample_docx: bytes) -> bytes:
    """The sample converted by the pool (PDF/A-2b, no Kense metadata yet)."""
    return pool.to_pdf(sample_docx)
