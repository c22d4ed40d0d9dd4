"""The canonical XML record of an issued document: its metadata and the SHA-256 of its files.

This is what the director's XML signature covers: who issued what, with which number and
date, and the SHA-256 of the final files (a recipient compares the files they hold).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

NS = "urn:kense:document:1"
_E = f"{{{NS}}}"
FIELDS = ("id", "template", "kind", "issuer", "title", "number", "date")


def document_manifest(document: Mapping[str, Any], stage: str = "final") -> bytes:
    """The manifest of ``document`` (as ``registry.documents.get`` gives it), listing the files
    of ``stage``."""
    root = etree.Element(_E + "document", nsmap={None: NS})  # type: ignore[dict-item]
    for name in FIELDS:
        value = document.get(name)
        etree.SubElement(root, _E + name).text = "" if value is None else str(value)
    files = etree.SubElement(root, _E + "files")
    for item in sorted(
        (f for f in document["files"] if f["stage"] == stage),
        key=lambda f: (f["lang"], f["format"]),
    ):
        etree.SubElement(
            files,
            _E + "file",
            lang=item["lang"],
            format=item["format"],
            sha256=item["sha256"],
            size=str(item["size"]),
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
