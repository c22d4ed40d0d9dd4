"""The canonical XML record of an issued document: its metadata and the SHA-256 of its files.

This is what the director's XML signature covers; the verifier reads it back to tell which
document of the registry a signature is about and whether the files still match.
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


def read_manifest(root: etree._Element) -> dict[str, Any] | None:
    """The facts of a (verified, signed) manifest element; None if it is not one."""
    if root.tag != _E + "document":
        return None
    facts: dict[str, Any] = {name: (root.findtext(_E + name) or None) for name in FIELDS}
    facts["files"] = [
        {
            "lang": f.get("lang"),
            "format": f.get("format"),
            "sha256": f.get("sha256"),
            "size": int(f.get("size") or 0),
        }
        for f in root.iterfind(f"{_E}files/{_E}file")
    ]
    return facts
