from __future__ import annotations

import zipfile
from collections.abc import Mapping
from datetime import date
from io import BytesIO

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from templates.engine import document_text, render_docx, undeclared_variables
from templates.errors import RenderError, UnsupportedLanguage
from tests.templates.docx_factory import make_docx

HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{# comment #}",
    "<w:p><w:r><w:t>injected</w:t></w:r></w:p>",
    "</w:t></w:r></w:p><w:p><w:r><w:t>",
    "Tom & Jerry &amp; &lt; &#x41;",
    "]]> <![CDATA[ x ]]>",
    "{_{ x }_} {_% y %_}",
    "'\"\u00ab\u00bb\u201c\u201d",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'boom'>]>&e;",
]


def normalise(text: str) -> str:
    return " ".join(text.split())


def assert_valid_docx(data: bytes) -> None:
    with zipfile.ZipFile(BytesIO(data)) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name), etree.XMLParser(resolve_entities=False))
    docx.Document(BytesIO(data))


def render_text(paragraphs: list[str], data: Mapping[str, object], lang: str = "kk") -> str:
    return document_text(render_docx(make_docx(paragraphs), data, lang))


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_values_come_out_as_literal_text(payload: str) -> None:
    template = make_docx(
        ["Body [{{ value }}]"],
        header="Header [{{ value }}]",
        footer="Footer [{{ value }}]",
        table=[["Cell [{{ value }}]", "{{ value|length }}"]],
    )
    out = render_docx(template, {"value": payload}, "ru")
    assert_valid_docx(out)
    lines = document_text(out).splitlines()
    p = normalise(payload)
    assert lines == [
        f"Header [{p}]",
        f"Body [{p}]",
        f"Cell [{p}]",
        str(len(payload)),
        f"Footer [{p}]",
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(blacklist_categories=("Cs", "Cc", "Cn")),
            st.sampled_from(list("{}%#_<>&;'\"\t\n ")),
        ),
        max_size=60,
    )
)
def test_any_text_survives_rendering_verbatim(payload: str) -> None:
    out = render_docx(make_docx(["[{{ value }}]"]), {"value": payload}, "kk")
    assert_valid_docx(out)
    assert document_text(out) == normalise(f"[{payload}]")


def test_characters_xml_forbids_are_dropped() -> None:
    out = render_docx(make_docx(["[{{ value }}]"]), {"value": "a\x00b\x07c\x0cd\ufffe"}, "kk")
    assert_valid_docx(out)
    assert document_text(out) == "[abcd]"


def test_none_prints_nothing() -> None:
    assert render_text(["[{{ value }}]"], {"value": None}) == "[]"


def test_filters_are_bound_to_the_language() -> None:
    paragraphs = [
        "{{ d|long_date }}",
        "{{ d|date_phrase }}",
        "{{ d|short_date }}",
        "{{ n|number }} / {{ n|number(2) }}",
        "{{ act_reference('resolution', 514, d) }}",
    ]
    data = {"d": "2021-11-12", "n": 1234567.5}
    assert render_text(paragraphs, data, "kk").splitlines() == [
        "2021 жылғы 12 қарашадағы",
        "2021 жылғы 12 қараша",
        "12.11.2021",
        "1 234 567,5 / 1 234 567,50",
        "2021 жылғы 12 қарашадағы № 514 қаулысы",
    ]
    assert render_text(paragraphs, {"d": date(2021, 11, 12), "n": 3}, "ru").splitlines() == [
        "12 ноября 2021 года",
        "12 ноября 2021 года",
        "12.11.2021",
        "3 / 3,00",
        "постановление от 12 ноября 2021 года № 514",
    ]


def test_loops_and_conditions() -> None:
    template = [
        "{% for p in points %}{{ loop.index }}) {{ p.text }}; {% endfor %}",
        "{% if extra is defined %}{{ extra }}{% else %}none{% endif %}",
    ]
    data = {"points": [{"text": "бір"}, {"text": "екі"}]}
    assert render_text(template, data) == "1) бір; 2) екі;\nnone"


def test_undefined_variable_is_a_render_error_naming_it() -> None:
    with pytest.raises(RenderError, match="'applicant'") as info:
        render_text(["Hello {{ applicant }}"], {})
    assert info.value.fields == {"applicant": "undefined"}
    with pytest.raises(RenderError, match="'iin'"):
        render_text(["{{ applicant.iin }}"], {"applicant": {"name": "A"}})


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ items.append(1) }}",
        "{{ 'x' * 1000000000 }}",
        "{{ range(10**9)|list }}",
        "{{ 9**999999 }}",
    ],
)
def test_sandbox_violations_are_render_errors(expression: str) -> None:
    with pytest.raises(RenderError):
        render_text([expression], {"items": []})


@pytest.mark.parametrize("expression", ["{{ x|safe }}", "{{ 'a b'|urlize }}", "{% for %}"])
def test_markup_filters_and_syntax_errors_are_render_errors(expression: str) -> None:
    with pytest.raises(RenderError):
        render_text([expression], {"x": "<w:p/>"})


def test_autoescape_cannot_be_switched_off() -> None:
    template = ["{% autoescape false %}[{{ x }}]{% endautoescape %}"]
    out = render_docx(make_docx(template), {"x": "<w:p>&"}, "kk")
    assert_valid_docx(out)
    assert document_text(out) == "[<w:p>&]"


def test_bad_filter_input_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="YYYY-MM-DD"):
        render_text(["{{ d|long_date }}"], {"d": "12.11.2021"})


def test_not_a_docx_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="not a readable DOCX"):
        render_docx(b"not a zip", {}, "kk")


def test_unsupported_language() -> None:
    with pytest.raises(UnsupportedLanguage):
        render_docx(make_docx(["x"]), {}, "en")


def test_undeclared_variables_cover_body_headers_and_footers() -> None:
    template = make_docx(
        ["{{ a }} {% for p in points %}{{ p.text }}{% endfor %}", "{{ d|long_date }}"],
        header="{{ h }}",
        footer="{{ f }} {{ act_reference('order', 1, d) }}",
    )
    assert undeclared_variables(template) == {"a", "points", "d", "h", "f"}


def test_document_text_is_stable_across_renders() -> None:
    template = make_docx(["  Title   {{ x }}  ", "", "end"], header="H")
    first = document_text(render_docx(template, {"x": "a\tb"}, "kk"))
    second = document_text(render_docx(template, {"x": "a\tb"}, "kk"))
    assert first == second == "H\nTitle a b\nend"


@pytest.mark.parametrize(
    "expression",
    [
        "{{ 'x'.ljust(10**7) }}",
        "{{ 'x'.center(10**7) }}",
        "{{ ('x' * 50000).replace('x', 'x' * 50000) }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ '{x}'.format_map({'x': 1}) }}",
        "{{ 'x' | center(10000000) }}",
        "{{ 'x' | indent(10000000) }}",
        "{{ '%s' | format(1) }}",
    ],
)
def test_templates_cannot_make_huge_strings(expression: str) -> None:
    from templates.errors import RenderError

    with pytest.raises(RenderError):
        render_docx(make_docx([expression]), {}, "kk")
