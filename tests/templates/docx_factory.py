"""Small DOCX files built in memory, for tests of the template engine and its callers."""

from __future__ import annotations

from io import BytesIO

from docx import Document


def make_docx(
    paragraphs: list[str],
    header: str | None = None,
    *,
    footer: str | None = None,
    table: list[list[str]] | None = None,
) -> bytes:
    """A DOCX whose body has one paragraph (one run) per item, then an optional table."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=max(len(row) for row in table))
        for cells, row in zip(grid.rows, table, strict=False):
            for cell, text in zip(cells.cells, row, strict=False):
                cell.text = text
    section = doc.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
