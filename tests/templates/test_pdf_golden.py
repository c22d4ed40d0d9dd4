"""Every template in both languages through real LibreOffice: the PDF/A says what the DOCX says.

The expected text is the DOCX golden file of test_catalog (tests/templates/golden/). pdftotext
lays table cells and running headers out in its own order, so the comparison is of words with
their counts: every word of the golden body is in the PDF as often as in the golden, and the
PDF holds nothing else but the running header (printed from page 2 on) and page numbers.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from docx import Document

from templates import pdf
from templates.catalog import Template
from templates.convert import UnoPool
from templates.engine import render_docx
from tests.templates.conftest import KAZAKH_LETTERS, pdffonts, pdftotext
from tests.templates.test_catalog import CASES, GOLDEN, context
from tests.templates.test_pdf import verapdf

_WORD = re.compile(r"\w+|[^\w\s]")


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text))


def running_text(docx: bytes) -> str:
    """The text of the headers and footers (printed per page, or not at all on one page)."""
    document = Document(io.BytesIO(docx))
    parts = []
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def generated(pool: UnoPool) -> dict[tuple[str, str], tuple[bytes, bytes]]:
    """(template id, lang) → (DOCX, PDF/A with Kense metadata), every case made once."""
    made = {}
    for case in CASES:
        template, lang = case.values
        assert isinstance(template, Template) and isinstance(lang, str)
        docx = render_docx(template.docx(lang), context(template, lang), lang)
        made[template.id, lang] = (
            docx,
            pdf.add_metadata(
                pool.to_pdf(docx),
                title=template.title[lang],
                lang=lang,
                kind=template.kind,
                number="17",
                date="2026-11-25",
                identifier=f"test-{template.id}",
                docx_sha256=hashlib.sha256(docx).hexdigest(),
            ),
        )
    return made


@pytest.mark.parametrize(("template", "lang"), CASES)
def test_pdf_holds_the_golden_text_and_is_pdfa(
    template: Template, lang: str, generated: dict[tuple[str, str], tuple[bytes, bytes]]
) -> None:
    docx, stamped = generated[template.id, lang]
    golden = (GOLDEN / f"{template.id}.{lang}.txt").read_text(encoding="utf-8")
    running = words(running_text(docx))
    body = words(golden) - running
    printed = words(pdftotext(stamped))
    assert body - printed == Counter(), "words of the golden text missing from the PDF"
    extra = printed - words(golden)
    assert all(w.isdigit() or w in running for w in extra), f"unexpected words: {extra}"
    assert pdf.pdfa_part(stamped) == ("2", "B")
    assert pdf.read_metadata(stamped)["identifier"] == f"test-{template.id}"
    fonts = pdffonts(stamped)
    assert fonts and all(f["emb"] == "yes" for f in fonts)


def test_every_kazakh_letter_reaches_a_pdf(
    generated: dict[tuple[str, str], tuple[bytes, bytes]],
) -> None:
    _, stamped = generated["kandas-certificate", "kk"]
    assert set(KAZAKH_LETTERS) <= set(pdftotext(stamped))


def test_verapdf_finds_every_template_pdf_a_2b_compliant(
    generated: dict[tuple[str, str], tuple[bytes, bytes]], tmp_path: Path
) -> None:
    files = []
    for (template_id, lang), (_, stamped) in generated.items():
        path = tmp_path / f"{template_id}.{lang}.pdf"
        path.write_bytes(stamped)
        files.append(path)
    verdicts = verapdf(*files)
    assert verdicts == {path.name: "PASS" for path in files}
