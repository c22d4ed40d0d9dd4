"""The template catalogue: each template's DOCX against its schema, examples, goldens, the build.

Golden files hold the normalised text (``document_text``) of each example rendered as a final
document; ``KENSE_UPDATE_GOLDEN=1`` rewrites them (review the diff before committing). The
registry objects (``act``, ``amendment``) below are test fixtures: the kk texts are excerpts of
the published resolution No. 514 and its Regulation (corpus), the ru ones short test fragments.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from docx import Document
from jinja2 import nodes

from registry.documents import ISSUING_BODIES
from templates.catalog import Catalog, Template, label_paths
from templates.engine import (
    document_text,
    environment,
    render_docx,
    template_sources,
    undeclared_variables,
)
from templates.errors import RejectedTemplate, TemplateNotFound, UnsupportedLanguage
from templates.upload import check_template
from templates.validate import validate

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "templates" / "files"
GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = os.environ.get("KENSE_UPDATE_GOLDEN") == "1"
KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
SHIPPED = {
    "order",
    "kandas-certificate",
    "asylum-seeker-certificate",
    "refugee-certificate",
    "qualification-certificate",
    "foreign-labour-permit",
    "resolution-approval",
    "resolution-amending",
    "consolidated",
}
NUMBER, DATE = "15", "2025-03-14"

CATALOG = Catalog()
CASES = [pytest.param(t, lang, id=f"{t.id}.{lang}") for t in CATALOG.all() for lang in t.languages]


# --- context builders: what templates.workflows adds to the validated data ---


def doc_context(template: Template, lang: str, *, draft: bool = False) -> dict[str, Any]:
    issuer = "akimat" if template.kind == "resolution" else "department"
    return {
        "number": None if draft else NUMBER,
        "date": None if draft else DATE,
        "draft": draft,
        "issuer": ISSUING_BODIES[issuer][lang],
    }


TITLE_514_KK = (
    '"Қостанай облысы әкімдігінің жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар '
    'басқармасы" мемлекеттік мекемесі туралы ережені бекіту туралы'
)
TITLE_514_RU = (
    "Об утверждении Положения о государственном учреждении «Управление координации занятости "
    "и социальных программ акимата Костанайской области»"
)


def act_context(lang: str) -> dict[str, Any]:
    """``act``: the Regulation approved by resolution No. 514 (kk excerpt; ru test fragments)."""
    if lang == "kk":
        blocks = [
            {
                "kind": "heading",
                "num": None,
                "text": '"Қостанай облысы әкімдігінің жұмыспен қамтуды үйлестіру және әлеуметтік '
                'бағдарламалар басқармасы" мемлекеттік мекемесі туралы ереже',
            },
            {"kind": "chapter", "num": "1", "text": "Жалпы ережелер"},
            {
                "kind": "paragraph",
                "num": "9",
                "text": "Заңды тұлғаның орналасқан жері: Қазақстан Республикасы, 110000, Қостанай "
                "облысы, Қостанай қаласы, Қасымқанов көшесі, 34.",
            },
            {
                "kind": "chapter",
                "num": "2",
                "text": "Мемлекеттік органның міндеттері мен өкілеттігі",
            },
            {"kind": "paragraph", "num": "14", "text": "Өкілеттігі:"},
            {"kind": "point", "num": "1", "text": "құқықтары:"},
            {
                "kind": "text",
                "num": None,
                "text": "ақпараттық-тұсаукесерлік іс-шараларды, сондай-ақ Басқарманың қызметі "
                "мәселелері бойынша кеңестерді ұйымдастыру және өткізу;",
            },
            {"kind": "paragraph", "num": "15", "text": "Функциялары:"},
            {"kind": "point", "num": "49", "text": "босқын куәлігін береді;"},
        ]
        title, number, day = TITLE_514_KK, "514", "2021-11-12"
    else:
        blocks = [
            {"kind": "heading", "num": None, "text": "Положение (тестовый фрагмент)"},
            {"kind": "chapter", "num": "1", "text": "Общие положения"},
            {"kind": "paragraph", "num": "9", "text": "Текст пункта 9 (тестовый фрагмент)."},
            {"kind": "paragraph", "num": "15", "text": "Функции:"},
            {"kind": "point", "num": "49", "text": "текст подпункта 49) (тестовый фрагмент);"},
            {"kind": "text", "num": None, "text": "текст абзаца (тестовый фрагмент)."},
        ]
        title, number, day = TITLE_514_RU, "514", "2021-11-12"
    return {
        "title": title,
        "number": number,
        "date": day,
        "as_at": "2025-01-01",
        "frbr_uri": "/akn/kz-kus/act/resolution/2021-11-12/514",
        "blocks": blocks,
    }


def amendment_context(lang: str, *, points: int = 2) -> dict[str, Any]:
    """``amendment``: two operations on the Regulation of resolution No. 514 (test sentences)."""
    if lang == "kk":
        sentences = [
            "көрсетілген қаулымен бекітілген Ереженің 9-тармағы мынадай редакцияда жазылсын: "
            "«9. Заңды тұлғаның орналасқан жері: Қазақстан Республикасы, 110000, Қостанай облысы, "
            "Қостанай қаласы, Қасымқанов көшесі, 34.»;",
            "көрсетілген Ереженің 15-тармағының 46) тармақшасы алып тасталсын.",
        ]
        title = TITLE_514_KK
    else:
        sentences = [
            "пункт 9 Положения, утвержденного указанным постановлением, изложить в следующей "
            "редакции: «9. Текст пункта 9 (тестовый фрагмент).»;",
            "подпункт 46) пункта 15 указанного Положения исключить.",
        ]
        title = TITLE_514_RU
    return {
        "target": {"title": title, "number": "514", "date": "2021-11-12"},
        "points": sentences[-points:],
    }


def context(template: Template, lang: str, *, draft: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = template.example(lang)
    data["doc"] = doc_context(template, lang, draft=draft)
    if template.source == "registry-act":
        data["act"] = act_context(lang)
    elif template.source == "registry-amendment":
        data["amendment"] = amendment_context(lang)
    return data


def rendered_text(template: Template, lang: str, **kwargs: Any) -> str:
    return document_text(render_docx(template.docx(lang), context(template, lang, **kwargs), lang))


# --- the catalogue ---


def test_every_template_of_the_issue_is_shipped_sorted_by_id() -> None:
    ids = [t.id for t in CATALOG.all()]
    assert set(ids) == SHIPPED
    assert ids == sorted(ids)


def test_summary_is_the_kense_templates_json_item() -> None:
    summary = CATALOG.get("order").to_summary()
    assert set(summary) == {"id", "kind", "title", "languages", "schema"}
    assert summary["kind"] == "order"
    assert summary["languages"] == ["kk", "ru"]
    assert summary["title"]["kk"] and summary["title"]["ru"]
    summary["schema"]["properties"].clear()
    assert CATALOG.get("order").schema["properties"], "the summary must be a copy"


def test_unknown_template_names_the_known_ones() -> None:
    with pytest.raises(TemplateNotFound) as caught:
        CATALOG.get("nonexistent")
    assert "nonexistent" in caught.value.message
    assert "kandas-certificate" in caught.value.message


def test_a_language_the_template_lacks_is_refused() -> None:
    order = CATALOG.get("order")
    with pytest.raises(UnsupportedLanguage):
        order.docx("en")
    with pytest.raises(UnsupportedLanguage):
        order.example("en")


def test_kinds_sources_and_numbering() -> None:
    by_id = {t.id: t for t in CATALOG.all()}
    assert by_id["order"].kind == "order"
    assert by_id["foreign-labour-permit"].kind == "permit"
    assert {by_id[i].kind for i in SHIPPED if i.endswith("-certificate")} == {"certificate"}
    assert by_id["resolution-approval"].source == "registry-act"
    assert by_id["resolution-amending"].source == "registry-amendment"
    assert by_id["consolidated"].source == "registry-act"
    assert not by_id["consolidated"].numbered
    for t in CATALOG.all():
        assert t.layout_checked or t.layout_note, t.id
        assert len(t.version) == 64


# --- per template and language ---


def schema_properties(template: Template) -> set[str]:
    return set(template.schema["properties"])


@pytest.mark.parametrize(("template", "lang"), CASES)
def test_undeclared_variables_are_exactly_the_schema_and_context(
    template: Template, lang: str
) -> None:
    used = undeclared_variables(template.docx(lang))
    provided = template.context_names()
    assert used - provided == schema_properties(template), "DOCX variables ≠ schema properties"
    assert used <= schema_properties(template) | provided


@pytest.mark.parametrize(("template", "lang"), CASES)
def test_every_nested_property_is_read_by_the_docx(template: Template, lang: str) -> None:
    env = environment(lang)
    attributes: set[str] = set()
    for _, source in template_sources(template.docx(lang)):
        attributes |= {node.attr for node in env.parse(source).find_all(nodes.Getattr)}
    nested = {
        path.rsplit(".", 1)[-1]
        for path in label_paths(template.schema)
        if "." in path and not path.endswith("[]")
    }
    assert nested <= attributes, f"unused: {sorted(nested - attributes)}"


@pytest.mark.parametrize(("template", "lang"), CASES)
def test_example_is_valid(template: Template, lang: str) -> None:
    validate(template.example(lang), template.schema)


@pytest.mark.parametrize(("template", "lang"), CASES)
def test_docx_passes_the_upload_checks(template: Template, lang: str) -> None:
    check_template(template.docx(lang))


@pytest.mark.parametrize(("template", "lang"), CASES)
def test_rendered_example_matches_golden(template: Template, lang: str) -> None:
    text = rendered_text(template, lang) + "\n"
    golden = GOLDEN / f"{template.id}.{lang}.txt"
    if UPDATE_GOLDEN:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with KENSE_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("template", "lang"), CASES)
def test_draft_has_no_number_and_no_date(template: Template, lang: str) -> None:
    text = rendered_text(template, lang, draft=True)
    assert f"№ {NUMBER}" not in text
    for shown in ("14.03.2025", "14 наурыз", "14 марта"):
        assert shown not in text
    if template.kind != "consolidated":
        assert "№ ____" in text


#: A consolidated text has no number of its own.
NUMBERED_CASES = [c for c in CASES if c.values[0].kind != "consolidated"]


@pytest.mark.parametrize(("template", "lang"), NUMBERED_CASES)
def test_final_document_shows_its_number(template: Template, lang: str) -> None:
    assert f"№ {NUMBER}" in rendered_text(template, lang)


@pytest.mark.parametrize(("template", "lang"), CASES)
def test_page_layout(template: Template, lang: str) -> None:
    doc = Document(BytesIO(template.docx(lang)))
    section = doc.sections[0]

    def mm(value: int | None) -> float:
        assert value is not None
        return round(value / 36000, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    margins = (section.top_margin, section.right_margin, section.bottom_margin, section.left_margin)
    assert tuple(mm(m) for m in margins) == (20.0, 10.0, 20.0, 30.0)
    for footer in (section.footer, section.first_page_footer):
        assert "PAGE" in footer._element.xml
    header = "".join(p.text for p in section.header.paragraphs)
    issuer = "akimat" if template.kind == "resolution" else "department"
    assert header == ISSUING_BODIES[issuer][lang]
    styles = doc.styles.element.xml
    assert 'w:ascii="Times New Roman"' in styles
    assert 'w:sz w:val="28"' in styles


def test_a_golden_holds_every_kazakh_letter() -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in GOLDEN.glob("*.kk.txt")}
    complete = [name for name, text in texts.items() if set(KAZAKH_LETTERS) <= set(text)]
    assert complete, "no kk golden holds every Kazakh letter"


def test_amending_resolution_agrees_in_number_with_its_points() -> None:
    template = CATALOG.get("resolution-amending")
    for lang, one, many in (
        ("kk", "өзгеріс енгізу", "өзгерістер енгізу"),
        ("ru", "изменения в", "изменений в"),
    ):
        data = context(template, lang)
        data["amendment"] = amendment_context(lang, points=1)
        text = document_text(render_docx(template.docx(lang), data, lang))
        assert one in text and many not in text
        assert many in rendered_text(template, lang)


def test_optional_fields_print_a_dash() -> None:
    template = CATALOG.get("refugee-certificate")
    data = context(template, "kk")
    del data["iin"]
    validate({k: v for k, v in data.items() if k != "doc"}, template.schema)
    text = document_text(render_docx(template.docx("kk"), data, "kk"))
    assert "ЖСН\n—" in text


# --- loading checks ---


def copy_template(tmp_path: Path, template_id: str = "order") -> Path:
    root = tmp_path / "files"
    shutil.copytree(FILES / template_id, root / template_id)
    return root


def edit_json(path: Path, change: Any) -> None:
    value = json.loads(path.read_text(encoding="utf-8"))
    change(value)
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "change", "reason"),
    [
        ("meta.json", lambda m: m.pop("numbered"), "missing ['numbered']"),
        ("meta.json", lambda m: m.update(kind="memo"), "kind 'memo'"),
        ("meta.json", lambda m: m.update(id="other"), "differs from the directory"),
        ("schema.json", lambda s: s["properties"]["title"].pop("maxLength"), "maxLength"),
        ("schema.json", lambda s: s.pop("additionalProperties"), "additionalProperties"),
        ("schema.json", lambda s: s.update(type=7), "schema.json"),
        ("schema.json", lambda s: s["properties"].update(doc={"type": "object"}), "'doc'"),
        ("labels.json", lambda lb: lb.pop("points[].text"), "missing ['points[].text']"),
    ],
)
def test_a_defective_template_is_rejected_at_load(
    tmp_path: Path, file: str, change: Any, reason: str
) -> None:
    root = copy_template(tmp_path)
    edit_json(root / "order" / file, change)
    with pytest.raises(RejectedTemplate) as caught:
        Catalog(root)
    assert reason in caught.value.message


def test_a_language_without_its_docx_is_rejected(tmp_path: Path) -> None:
    root = copy_template(tmp_path)
    (root / "order" / "ru.docx").unlink()
    with pytest.raises(RejectedTemplate, match=r"ru\.docx is missing"):
        Catalog(root)


def test_version_changes_with_any_file(tmp_path: Path) -> None:
    root = copy_template(tmp_path)
    before = Catalog(root).get("order").version
    assert before == CATALOG.get("order").version
    edit_json(root / "order" / "labels.json", lambda lb: lb["title"].update(kk="Тақырыбы"))
    assert Catalog(root).get("order").version != before


# --- the builder ---


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_templates", ROOT / "scripts" / "build_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_builder_is_deterministic_and_committed_files_are_current(tmp_path: Path) -> None:
    builder = load_builder()
    builder.build(tmp_path / "a")
    builder.build(tmp_path / "b")
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert first == second, "two builds differ"
    committed = tree(FILES)
    stale = sorted(n for n in first.keys() | committed.keys() if first.get(n) != committed.get(n))
    assert not stale, f"templates/files is stale, run scripts/build_templates.py: {stale}"
