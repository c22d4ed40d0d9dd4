"""Build the template catalogue in templates/files/ from this one description.

Every template directory (meta.json, schema.json, labels.json, kk.docx, ru.docx, example.kk.json,
example.ru.json) is written here, so the DOCX layout, the schema, the labels and the examples never
drift apart. Run it after changing a template and commit the result:

    .venv/bin/python scripts/build_templates.py [--out DIR]

The output is deterministic (fixed core properties and zip timestamps): rebuilding gives
byte-identical files, and tests/templates/test_catalog.py fails when the committed files are stale.

Layout of every DOCX: A4, margins top 20, right 10, bottom 20, left 30 mm; Times New Roman 14 pt
(LibreOffice substitutes Liberation Serif, which has every Kazakh letter); the issuing body in the
page header from the second page on (the first page carries it in the letterhead); the page number
(a PAGE field) in the footer. Each Jinja tag is written into a single run, so Word's and docxtpl's
run handling cannot split it.

Wording: only headings and formulas whose official wording is known are written out ("БҰЙРЫҚ",
"ҚАУЛЫ ЕТЕДІ:", the approval stamp of the published resolution No. 514, the amending formulas of
the published samples); everything else is a neutral field label. Certificates whose official form
was not seen are marked ``layout_checked: false`` with a note.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project's packages importable
    sys.path.insert(0, str(ROOT))

from templates.validate import check_digit, example_iin  # noqa: E402

OUT = ROOT / "templates" / "files"
LANGS = ("kk", "ru")
FONT = "Times New Roman"
SIZE = 14
SMALL = 10
TEXT_WIDTH_MM = 210 - 30 - 10
FIXED_TIME = datetime(2025, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
URI_PATTERN = (
    r"^/akn/[a-z]{2}(-[a-z0-9]{1,3})?/act/[a-z][a-z-]*/[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"/[A-Za-z0-9][A-Za-z0-9._-]*$"
)

Json = dict[str, Any]
Labels = dict[str, tuple[str, str]]

DEPARTMENT = {
    "kk": "Қостанай облысы әкімдігінің жұмыспен қамтуды үйлестіру және әлеуметтік "
    "бағдарламалар басқармасы",
    "ru": "Управление координации занятости и социальных программ акимата Костанайской области",
}
AKIMAT = {"kk": "Қостанай облысы әкімдігі", "ru": "Акимат Костанайской области"}

# Tags shared by the templates (each lands in one run).
NUMBER = "{% if doc.draft %}№ ____{% else %}№ {{ doc.number }}{% endif %}"
DATE_LINE = "{% if doc.draft %}____________{% else %}{{ doc.date|date_phrase }}{% endif %}"
LONG_DATE = "{% if doc.draft %}____________{% else %}{{ doc.date|long_date }}{% endif %}"
SHORT_DATE = "{% if doc.draft %}____________{% else %}{{ doc.date|short_date }}{% endif %}"


# --- schema helpers ---


def text(max_length: int) -> Json:
    return {"type": "string", "minLength": 1, "maxLength": max_length}


def day() -> Json:
    return {"type": "string", "format": "date", "maxLength": 10}


def iin() -> Json:
    return {"type": "string", "format": "iin", "pattern": "^[0-9]{12}$", "maxLength": 12}


def bin_() -> Json:
    return {"type": "string", "format": "bin", "pattern": "^[0-9]{12}$", "maxLength": 12}


def uri() -> Json:
    return {"type": "string", "pattern": URI_PATTERN, "maxLength": 200}


def obj(properties: Mapping[str, Json], optional: tuple[str, ...] = ()) -> Json:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": dict(properties),
        "required": [name for name in properties if name not in optional],
    }


def array(items: Json, max_items: int, min_items: int = 0) -> Json:
    return {"type": "array", "items": items, "minItems": min_items, "maxItems": max_items}


def root_schema(title: str, properties: Mapping[str, Json], optional: tuple[str, ...] = ()) -> Json:
    return {"$schema": SCHEMA_DIALECT, "title": title, **obj(properties, optional)}


def label_paths(schema: Json, prefix: str = "") -> Iterator[str]:
    """Every property and array item of ``schema``: "a", "a.b", "points[]", "points[].text"."""
    if schema.get("type") == "object":
        for name, sub in schema["properties"].items():
            path = f"{prefix}.{name}" if prefix else name
            yield path
            yield from label_paths(sub, path)
    elif schema.get("type") == "array":
        yield f"{prefix}[]"
        yield from label_paths(schema["items"], f"{prefix}[]")


POINTS = array(obj({"text": text(4000), "subpoints": array(text(2000), 50)}, ("subpoints",)), 50, 1)
SIGNATORY = obj({"position": text(200), "name": text(200)})
PERSON = {
    "last_name": text(100),
    "first_name": text(100),
    "patronymic": text(100),
    "birth_date": day(),
}
ACT_REF = obj({"number": text(50), "date": day()})

PERSON_LABELS: Labels = {
    "last_name": ("Тегі", "Фамилия"),
    "first_name": ("Аты", "Имя"),
    "patronymic": ("Әкесінің аты", "Отчество"),
    "birth_date": ("Туған күні", "Дата рождения"),
}
POINT_LABELS: Labels = {
    "points": ("Тармақтар", "Пункты"),
    "points[]": ("Тармақ", "Пункт"),
    "points[].text": ("Тармақтың мәтіні", "Текст пункта"),
    "points[].subpoints": ("Тармақшалар", "Подпункты"),
    "points[].subpoints[]": ("Тармақша", "Подпункт"),
}
SIGNATORY_LABELS: Labels = {
    "signatory": ("Қол қоюшы", "Подписывающее лицо"),
    "signatory.position": ("Лауазымы", "Должность"),
    "signatory.name": ("Аты-жөні", "Фамилия и инициалы"),
}
AKIM_LABELS: Labels = {
    "akim": ("Әкім (қол қоюшы)", "Аким (подписывающее лицо)"),
    "akim.position": ("Лауазымы", "Должность"),
    "akim.name": ("Аты-жөні", "Фамилия и инициалы"),
}
DECISION_LABELS: Labels = {
    "decision": ("Мәртебе беру туралы шешім", "Решение о присвоении статуса"),
    "decision.number": ("Шешімнің нөмірі", "Номер решения"),
    "decision.date": ("Шешімнің күні", "Дата решения"),
}
VALID_UNTIL: Labels = {"valid_until": ("Жарамдылық мерзімі", "Срок действия")}
ISSUED = ("Берілген күні", "Дата выдачи")


# --- the document writer: one layout for every template ---


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


Piece = str | Run


class Writer:
    """A python-docx document with the shared page layout and a few paragraph shapes."""

    def __init__(self, lang: str, header: str, title: str, kind: str) -> None:
        self.lang = lang
        self.doc: DocxDocument = Document()
        self._styles()
        self._page(header)
        props = self.doc.core_properties
        props.author = "Kense"
        props.last_modified_by = "Kense"
        props.created = FIXED_TIME
        props.modified = FIXED_TIME
        props.revision = 1
        props.title = title
        props.subject = ""
        props.keywords = ""
        props.comments = ""
        props.category = kind
        props.language = lang

    def _styles(self) -> None:
        """Document defaults: the font (no theme fonts), 14 pt, proofing language, no spacing."""
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        assert defaults is not None  # python-docx's default template has them
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        assert rpr is not None and ppr is not None
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts is not None
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
        for tag in ("w:sz", "w:szCs"):
            size = rpr.find(qn(tag))
            assert size is not None
            size.set(qn("w:val"), str(SIZE * 2))
        lang = rpr.find(qn("w:lang"))
        assert lang is not None
        lang.set(qn("w:val"), "kk-KZ" if self.lang == "kk" else "ru-RU")
        lang.set(qn("w:eastAsia"), "ru-RU")
        spacing = ppr.find(qn("w:spacing"))
        assert spacing is not None
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")

    def _page(self, header: str) -> None:
        section = self.doc.sections[0]
        section.page_width = Mm(210)
        section.page_height = Mm(297)
        section.top_margin = Mm(20)
        section.right_margin = Mm(10)
        section.bottom_margin = Mm(20)
        section.left_margin = Mm(30)
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        section.different_first_page_header_footer = True
        head = section.header.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = head.add_run(header)
        run.font.size = Pt(SMALL)
        section.first_page_header.is_linked_to_previous = False
        for footer in (section.footer, section.first_page_footer):
            footer.is_linked_to_previous = False
            self._page_number(footer.paragraphs[0])

    @staticmethod
    def _page_number(p: Paragraph) -> None:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
            run = p.add_run()
            run.font.size = Pt(SMALL)
            if kind is not None:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif instr == " PAGE ":
                code = OxmlElement("w:instrText")
                code.set(qn("xml:space"), "preserve")
                code.text = instr
                run._r.append(code)
            else:
                run.text = instr or ""
        end = p.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), "end")
        end._r.append(char)

    # paragraphs

    def para(
        self,
        *pieces: Piece,
        align: str = "justify",
        indent: bool = False,
        bold: bool = False,
        size: int | None = None,
        grey: bool = False,
        left_mm: float | None = None,
        keep_next: bool = False,
    ) -> Paragraph:
        p = self.doc.add_paragraph()
        p.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        fmt = p.paragraph_format
        if indent:
            fmt.first_line_indent = Mm(12.5)
        if left_mm is not None:
            fmt.left_indent = Mm(left_mm)
        if keep_next:
            fmt.keep_with_next = True
        for piece in pieces:
            run_spec = piece if isinstance(piece, Run) else Run(piece)
            if run_spec.text == "\t":
                p.add_run().add_tab()
                continue
            run = p.add_run(run_spec.text)
            run.bold = run_spec.bold or bold or None
            run.italic = run_spec.italic or None
            if size is not None:
                run.font.size = Pt(size)
            if grey:
                run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        return p

    def tag(self, tag: str) -> None:
        """A docxtpl paragraph tag ({%p … %}): the paragraph itself is replaced by the tag."""
        self.para(tag, align="left")

    def blank(self) -> None:
        self.doc.add_paragraph()

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def two_sides(self, left: Piece, right: Piece, *, bold: bool = False) -> None:
        """``left`` at the margin, ``right`` flush right (signature and date/number lines)."""
        p = self.para(left, "\t", right, align="left", bold=bold)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)

    def table(self, rows: Sequence[tuple[str, ...]], widths_mm: tuple[float, ...]) -> Table:
        table: Table = self.doc.add_table(rows=len(rows), cols=len(widths_mm))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value, width in zip(row.cells, values, widths_mm, strict=True):
                cell.width = Mm(width)
                p = cell.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                if value:
                    run = p.add_run(value)
                    run.font.size = Pt(12)
        return table

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return normalised_zip(out.getvalue())


def normalised_zip(data: bytes) -> bytes:
    """The same package with fixed timestamps and attributes, so rebuilding is byte-identical."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# --- shared parts of the bodies ---


def pick(lang: str, kk: str, ru: str) -> str:
    return kk if lang == "kk" else ru


def letterhead(w: Writer, heading: str) -> None:
    """The issuing body (from ``doc.issuer``), the kind of document, date, number and place."""
    w.para("{{ doc.issuer }}", align="center", bold=True)
    w.blank()
    w.para(heading, align="center", bold=True)
    w.blank()
    w.two_sides(DATE_LINE, NUMBER)
    w.para("{{ place }}", align="center")
    w.blank()


def numbered_points(w: Writer, first: int = 1) -> None:
    """``points`` as "1. …", each with optional subpoints "1) …"."""
    index = "{{ loop.index }}" if first == 1 else f"{{{{ loop.index + {first - 1} }}}}"
    w.tag("{%p for p in points %}")
    w.para(f"{index}. {{{{ p.text }}}}", indent=True)
    w.tag("{%p if p.subpoints is defined %}")
    w.tag("{%p for s in p.subpoints %}")
    w.para("{{ loop.index }}) {{ s }}", indent=True)
    w.tag("{%p endfor %}")
    w.tag("{%p endif %}")
    w.tag("{%p endfor %}")


def signature(w: Writer, who: str) -> None:
    w.blank()
    w.blank()
    w.two_sides(
        Run(f"{{{{ {who}.position }}}}", bold=True), Run(f"{{{{ {who}.name }}}}", bold=True)
    )


def act_blocks(w: Writer) -> None:
    """The registry's ``act.blocks`` laid out by kind; numbers are composed per language."""
    chapter = pick(w.lang, "{{ b.num }}-тарау. {{ b.text }}", "Глава {{ b.num }}. {{ b.text }}")
    w.tag("{%p for b in act.blocks %}")
    w.tag('{%p if b.kind == "chapter" %}')
    w.blank()
    w.para(chapter, align="center", bold=True, keep_next=True)
    w.blank()
    w.tag('{%p elif b.kind == "heading" %}')
    w.blank()
    w.para("{{ b.text }}", align="center", bold=True, keep_next=True)
    w.blank()
    w.tag('{%p elif b.kind == "paragraph" %}')
    w.para("{% if b.num %}{{ b.num }}. {% endif %}{{ b.text }}", indent=True)
    w.tag('{%p elif b.kind == "point" %}')
    w.para("{% if b.num %}{{ b.num }}) {% endif %}{{ b.text }}", indent=True)
    w.tag("{%p else %}")
    w.para("{{ b.text }}", indent=True)
    w.tag("{%p endif %}")
    w.tag("{%p endfor %}")


def preamble(w: Writer) -> None:
    """Optional ``basis``, then the akimat's resolving formula (as in resolution No. 514)."""
    if w.lang == "kk":
        w.para(
            "{% if basis is defined %}{{ basis }} {% endif %}",
            Run("Қостанай облысының әкімдігі ҚАУЛЫ ЕТЕДІ:", bold=True),
            indent=True,
        )
    else:
        w.para(
            "{% if basis is defined %}{{ basis }} акимат{% else %}Акимат{% endif %}",
            Run(" Костанайской области ПОСТАНОВЛЯЕТ:", bold=True),
            indent=True,
        )


def service_line(w: Writer, kk: str, ru: str) -> None:
    """Where registry content came from; small print at the end, for the people checking it."""
    w.blank()
    w.para(pick(w.lang, kk, ru), align="left", size=SMALL - 1, grey=True)


def certificate_head(w: Writer, title: str) -> None:
    w.para("{{ doc.issuer }}", align="center", bold=True)
    w.blank()
    w.para(title, align="center", bold=True)
    w.para(NUMBER, align="center")
    w.blank()


def value_table(w: Writer, rows: list[tuple[str, str]]) -> None:
    w.table(rows, (70, 100))


def name_rows(w: Writer, labels: Labels) -> list[tuple[str, str]]:
    """Surname in capitals as on identity documents; a missing patronymic prints as a dash."""
    i = LANGS.index(w.lang)
    return [
        (labels["last_name"][i], "{{ last_name|upper }}"),
        (labels["first_name"][i], "{{ first_name }}"),
        (
            labels["patronymic"][i],
            "{% if patronymic is defined %}{{ patronymic }}{% else %}—{% endif %}",
        ),
        (labels["birth_date"][i], "{{ birth_date|short_date }}"),
    ]


def until(lang: str, field: str) -> str:
    return pick(lang, f"{{{{ {field}|short_date }}}} дейін", f"до {{{{ {field}|short_date }}}}")


def ref(field: str) -> str:
    return f"№ {{{{ {field}.number }}}}, {{{{ {field}.date|short_date }}}}"


def issued_row(lang: str) -> tuple[str, str]:
    return (ISSUED[LANGS.index(lang)], SHORT_DATE)


# --- the templates ---


@dataclass(frozen=True)
class Spec:
    id: str
    kind: str
    title: tuple[str, str]
    source: str | None
    numbered: bool
    layout_checked: bool
    layout_note: str | None
    official_form: str | None
    header: Mapping[str, str]
    schema: Json
    labels: Labels
    examples: Mapping[str, Json]
    body: Callable[[Writer, Labels], None]

    def meta(self) -> Json:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": {"kk": self.title[0], "ru": self.title[1]},
            "languages": list(LANGS),
            "source": self.source,
            "numbered": self.numbered,
            "layout_checked": self.layout_checked,
            "layout_note": self.layout_note,
            "official_form": self.official_form,
        }


def order_body(w: Writer, labels: Labels) -> None:
    letterhead(w, pick(w.lang, "БҰЙРЫҚ", "ПРИКАЗ"))
    w.para("{{ title }}", align="center", bold=True)
    w.blank()
    w.para("{{ basis }} ", Run(pick(w.lang, "БҰЙЫРАМЫН:", "ПРИКАЗЫВАЮ:"), bold=True), indent=True)
    numbered_points(w)
    signature(w, "signatory")


def kandas_body(w: Writer, labels: Labels) -> None:
    i = LANGS.index(w.lang)
    certificate_head(w, pick(w.lang, "ҚАНДАС КУӘЛІГІ", "УДОСТОВЕРЕНИЕ КАНДАСА"))
    rows = name_rows(w, labels)
    rows += [
        (labels["birth_place"][i], "{{ birth_place }}"),
        (labels["iin"][i], "{{ iin }}"),
        (labels["country"][i], "{{ country }}"),
        (labels["decision"][i], ref("decision")),
        (labels["valid_until"][i], until(w.lang, "valid_until")),
        issued_row(w.lang),
    ]
    value_table(w, rows)
    w.tag("{%p if family_members is defined and family_members %}")
    w.blank()
    w.para(labels["family_members"][i], align="left", bold=True, keep_next=True)
    table = w.table(
        [
            (
                labels["family_members[].full_name"][i],
                labels["family_members[].birth_date"][i],
                labels["family_members[].relation"][i],
            ),
            ("{%tr for m in family_members %}", "", ""),
            ("{{ m.full_name }}", "{{ m.birth_date|short_date }}", "{{ m.relation }}"),
            ("{%tr endfor %}", "", ""),
        ],
        (90, 40, 40),
    )
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    w.tag("{%p endif %}")
    signature(w, "signatory")


def asylum_body(w: Writer, labels: Labels) -> None:
    i = LANGS.index(w.lang)
    certificate_head(
        w, pick(w.lang, "ПАНА ІЗДЕГЕН АДАМНЫҢ КУӘЛІГІ", "СВИДЕТЕЛЬСТВО ЛИЦА, ИЩУЩЕГО УБЕЖИЩЕ")
    )
    rows = name_rows(w, labels)
    rows += [
        (labels["citizenship"][i], "{{ citizenship }}"),
        (labels["petition"][i], ref("petition")),
        (labels["valid_until"][i], until(w.lang, "valid_until")),
        issued_row(w.lang),
    ]
    value_table(w, rows)
    signature(w, "signatory")


def refugee_body(w: Writer, labels: Labels) -> None:
    i = LANGS.index(w.lang)
    certificate_head(w, pick(w.lang, "БОСҚЫН КУӘЛІГІ", "УДОСТОВЕРЕНИЕ БЕЖЕНЦА"))
    rows = name_rows(w, labels)
    rows += [
        (labels["birth_place"][i], "{{ birth_place }}"),
        (labels["citizenship"][i], "{{ citizenship }}"),
        (labels["iin"][i], "{% if iin is defined %}{{ iin }}{% else %}—{% endif %}"),
        (labels["decision"][i], ref("decision")),
        (labels["valid_until"][i], until(w.lang, "valid_until")),
        issued_row(w.lang),
    ]
    value_table(w, rows)
    signature(w, "signatory")


def qualification_body(w: Writer, labels: Labels) -> None:
    i = LANGS.index(w.lang)
    certificate_head(
        w,
        pick(
            w.lang,
            "Өз бетінше жұмысқа орналасуы үшін шетелдікке немесе азаматтығы жоқ адамға "
            "біліктілігінің сәйкестігі туралы анықтама",
            "Справка иностранцу или лицу без гражданства о соответствии его квалификации "
            "для самостоятельного трудоустройства",
        ),
    )
    rows = name_rows(w, labels)
    rows += [
        (labels["citizenship"][i], "{{ citizenship }}"),
        (labels["identity_document"][i], "{{ identity_document }}"),
        (labels["education"][i], "{{ education }}"),
        (labels["occupation"][i], "{{ occupation }}"),
        (labels["sector"][i], "{{ sector }}"),
        (labels["valid_until"][i], until(w.lang, "valid_until")),
        issued_row(w.lang),
    ]
    value_table(w, rows)
    signature(w, "signatory")


def permit_body(w: Writer, labels: Labels) -> None:
    i = LANGS.index(w.lang)
    certificate_head(
        w,
        pick(
            w.lang,
            "ЖҰМЫС БЕРУШІГЕ ШЕТЕЛДІК ЖҰМЫС КҮШІН ТАРТУҒА РҰҚСАТ",
            "РАЗРЕШЕНИЕ РАБОТОДАТЕЛЮ НА ПРИВЛЕЧЕНИЕ ИНОСТРАННОЙ РАБОЧЕЙ СИЛЫ",
        ),
    )
    value_table(
        w,
        [
            (labels["employer.name"][i], "{{ employer.name }}"),
            (labels["employer.bin"][i], "{{ employer.bin }}"),
            (labels["employer.address"][i], "{{ employer.address }}"),
            (labels["work_place"][i], "{{ work_place }}"),
            (labels["valid_from"][i], "{{ valid_from|short_date }}"),
            (labels["valid_until"][i], "{{ valid_until|short_date }}"),
            issued_row(w.lang),
        ],
    )
    w.blank()
    w.para(labels["positions"][i], align="left", bold=True, keep_next=True)
    table = w.table(
        [
            (labels["positions[].occupation"][i], labels["positions[].count"][i]),
            ("{%tr for p in positions %}", ""),
            ("{{ p.occupation }}", "{{ p.count|number }}"),
            ("{%tr endfor %}", ""),
        ],
        (120, 50),
    )
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    signature(w, "signatory")


def approval_stamp(w: Writer) -> None:
    """The stamp over the approved text, worded as in the published resolution No. 514."""
    lines = (
        ["Қостанай облысы әкімдігінің", LONG_DATE, f"{NUMBER} қаулысымен", "бекітілген"]
        if w.lang == "kk"
        else [
            "Утверждено",
            "постановлением акимата",
            "Костанайской области",
            f"от {LONG_DATE}",
            NUMBER,
        ]
    )
    for line in lines:
        w.para(line, align="center", left_mm=100)


def approval_body(w: Writer, labels: Labels) -> None:
    letterhead(w, pick(w.lang, "ҚАУЛЫ", "ПОСТАНОВЛЕНИЕ"))
    w.para("{{ title }}", align="center", bold=True)
    w.blank()
    preamble(w)
    numbered_points(w)
    signature(w, "akim")
    w.page_break()
    approval_stamp(w)
    w.blank()
    act_blocks(w)
    service_line(
        w,
        "Ереже мәтіні тізілімнен алынды: {{ act_uri }}, {{ as_at|short_date }} жағдай бойынша.",
        "Текст положения взят из реестра: {{ act_uri }}, по состоянию на {{ as_at|short_date }}.",
    )


def amending_body(w: Writer, labels: Labels) -> None:
    many = "{% if amendment.points|length > 1 %}"
    target = "amendment.target"
    letterhead(w, pick(w.lang, "ҚАУЛЫ", "ПОСТАНОВЛЕНИЕ"))
    if w.lang == "kk":
        act = (
            f"Қостанай облысы әкімдігінің {{{{ {target}.date|long_date }}}} "
            f"«{{{{ {target}.title }}}}» № {{{{ {target}.number }}}} қаулысына"
        )
        title = f"{act} {many}өзгерістер{{% else %}}өзгеріс{{% endif %}} енгізу туралы"
        lead = f"1. {act} мынадай {many}өзгерістер{{% else %}}өзгеріс{{% endif %}} енгізілсін:"
    else:
        act = (
            f"постановление акимата Костанайской области от {{{{ {target}.date|long_date }}}} "
            f"№ {{{{ {target}.number }}}} «{{{{ {target}.title }}}}»"
        )
        title = f"О внесении {many}изменений{{% else %}}изменения{{% endif %}} в {act}"
        lead = (
            f"1. Внести в {act} {many}следующие изменения{{% else %}}следующее изменение"
            "{% endif %}:"
        )
    w.para(title, align="center", bold=True)
    w.blank()
    preamble(w)
    w.para(lead, indent=True)
    w.tag("{%p for s in amendment.points %}")
    w.para("{{ s }}", indent=True)
    w.tag("{%p endfor %}")
    numbered_points(w, first=2)
    signature(w, "akim")
    service_line(
        w,
        "Өзгерістер тізілімнен алынды: {{ amendment_uri }}.",
        "Изменения взяты из реестра: {{ amendment_uri }}.",
    )


def consolidated_body(w: Writer, labels: Labels) -> None:
    w.para(
        pick(
            w.lang,
            "Анықтамалық мәтін. Ресми жарияланым болып табылмайды.",
            "Справочный текст. Не является официальной публикацией.",
        ),
        align="right",
        size=SMALL,
        grey=True,
    )
    w.blank()
    w.para("{{ act.title }}", align="center", bold=True)
    w.para("№ {{ act.number }}, {{ act.date|short_date }}", align="center")
    w.para(
        Run(
            pick(
                w.lang,
                "{{ as_at|long_date }} жағдай бойынша",
                "По состоянию на {{ as_at|long_date }}",
            ),
            italic=True,
        ),
        align="center",
    )
    w.blank()
    act_blocks(w)
    service_line(w, "Тізілімдегі акт: {{ act_uri }}.", "Акт в реестре: {{ act_uri }}.")


def fictitious_bin(year: int, month: int, serial: int) -> str:
    """A БИН of a resident legal entity's head office (kind 4, attribute 0) with its check digit."""
    while True:
        first = f"{year % 100:02d}{month:02d}40{serial:05d}"
        digit = check_digit(first)
        if digit is not None:
            return f"{first}{digit}"
        serial += 1


def fictitious_iin(birth: date, century_sex: int, serial: int = 1) -> str:
    while True:
        try:
            return example_iin(birth, serial, century_sex)
        except ValueError:
            serial += 1


ACT_URI = "/akn/kz-kus/act/resolution/2021-11-12/514"
AMENDMENT_URI = "/akn/kz-kus/act/resolution/2025-02-20/61"
REGULATION_KK = (
    "«Қостанай облысы әкімдігінің жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар "
    "басқармасы» мемлекеттік мекемесі"
)
REGULATION_RU_ABOUT = (  # prepositional case: "Положение о государственном учреждении …"
    "государственном учреждении «Управление координации занятости и социальных программ "
    "акимата Костанайской области»"
)
NOT_CHECKED = "Layout to be checked against the official form. "


def specs() -> list[Spec]:
    person = dict(PERSON)
    kandas_birth = date(1990, 3, 15)
    refugee_birth = date(1985, 7, 20)
    return [
        Spec(
            id="order",
            kind="order",
            title=("Басқарма басшысының бұйрығы", "Приказ руководителя управления"),
            source=None,
            numbered=True,
            layout_checked=False,
            layout_note=NOT_CHECKED + "Requisites (letterhead, date, number, place, title, "
            "preamble with «БҰЙЫРАМЫН:»/«ПРИКАЗЫВАЮ:», numbered points, signature) follow "
            "published orders (corpus/samples/13–14, the ministerial order No. 157 of 22.05.2024); "
            "the department's own blank was not seen.",
            official_form=None,
            header=DEPARTMENT,
            schema=root_schema(
                "order",
                {
                    "title": text(500),
                    "place": text(100),
                    "basis": text(4000),
                    "points": POINTS,
                    "signatory": SIGNATORY,
                },
            ),
            labels={
                "title": ("Бұйрықтың тақырыбы", "Заголовок приказа"),
                "place": ("Шығарылған жері", "Место издания"),
                "basis": ("Кіріспе (негіздеме)", "Преамбула (основание)"),
                **POINT_LABELS,
                **SIGNATORY_LABELS,
            },
            examples={
                "kk": {
                    "title": "Құжат айналымы жөніндегі жұмыс тобын құру туралы",
                    "place": "Қостанай қаласы",
                    "basis": f"{REGULATION_KK} туралы ереженің 7-тармағына сәйкес",
                    "points": [
                        {
                            "text": "Мынадай құрамда жұмыс тобы құрылсын:",
                            "subpoints": [
                                "Үлгібаева Әсемгүл Жеңісқызы – жұмыс тобының жетекшісі;",
                                "Үлгібаев Ғалым Төлегенұлы – жұмыс тобының мүшесі.",
                            ],
                        },
                        {
                            "text": "Жұмыс тобы 2025 жылғы 1 сәуірге дейін құжат айналымын "
                            "жетілдіру жөнінде ұсыныстар әзірлесін."
                        },
                        {"text": "Осы бұйрықтың орындалуын бақылауды өзіме қалдырамын."},
                    ],
                    "signatory": {"position": "Басқарма басшысы", "name": "Ө. Үлгібаев"},
                },
                "ru": {
                    "title": "О создании рабочей группы по документообороту",
                    "place": "город Костанай",
                    "basis": "В соответствии с пунктом 7 Положения о " + REGULATION_RU_ABOUT,
                    "points": [
                        {
                            "text": "Создать рабочую группу в следующем составе:",
                            "subpoints": [
                                "Улгибаева Асемгуль Женисовна – руководитель рабочей группы;",
                                "Улгибаев Галым Тулегенович – член рабочей группы.",
                            ],
                        },
                        {
                            "text": "Рабочей группе до 1 апреля 2025 года подготовить "
                            "предложения по совершенствованию документооборота."
                        },
                        {"text": "Контроль за исполнением настоящего приказа оставляю за собой."},
                    ],
                    "signatory": {"position": "Руководитель управления", "name": "О. Улгибаев"},
                },
            },
            body=order_body,
        ),
        Spec(
            id="kandas-certificate",
            kind="certificate",
            title=("Қандас куәлігі", "Удостоверение кандаса"),
            source=None,
            numbered=True,
            layout_checked=False,
            layout_note=NOT_CHECKED + "The approved form of the kandas certificate was not "
            "found (the status is granted under the Rules for granting or extending kandas "
            "status); the fields are neutral labels of the holder's data, the decision "
            "granting the status and its term.",
            official_form=None,
            header=DEPARTMENT,
            schema=root_schema(
                "kandas-certificate",
                {
                    **person,
                    "birth_place": text(200),
                    "iin": iin(),
                    "country": text(100),
                    "decision": ACT_REF,
                    "valid_until": day(),
                    "family_members": array(
                        obj({"full_name": text(300), "birth_date": day(), "relation": text(50)}),
                        20,
                    ),
                    "signatory": SIGNATORY,
                },
                ("patronymic", "family_members"),
            ),
            labels={
                **PERSON_LABELS,
                "birth_place": ("Туған жері", "Место рождения"),
                "iin": ("ЖСН", "ИИН"),
                "country": ("Бұрын тұрған мемлекеті", "Государство прежнего проживания"),
                **DECISION_LABELS,
                **VALID_UNTIL,
                "family_members": ("Отбасы мүшелері", "Члены семьи"),
                "family_members[]": ("Отбасы мүшесі", "Член семьи"),
                "family_members[].full_name": (
                    "Тегі, аты, әкесінің аты",
                    "Фамилия, имя, отчество",
                ),
                "family_members[].birth_date": ("Туған күні", "Дата рождения"),
                "family_members[].relation": ("Туыстық қатынасы", "Степень родства"),
                **SIGNATORY_LABELS,
            },
            examples={
                "kk": {
                    "last_name": "Жеңісова",
                    "first_name": "Әсемгүл",
                    "patronymic": "Ғалымжанқызы",
                    "birth_date": kandas_birth.isoformat(),
                    "birth_place": "Моңғолия, Баян-Өлгий аймағы",
                    "iin": fictitious_iin(kandas_birth, 4),
                    "country": "Моңғолия",
                    "decision": {"number": "12", "date": "2025-03-03"},
                    "valid_until": "2026-03-03",
                    "family_members": [
                        {
                            "full_name": "Жеңісов Төлеген Жиһанұлы",
                            "birth_date": "1987-01-30",
                            "relation": "жұбайы",
                        },
                        {
                            "full_name": "Жеңісов Ұлан Төлегенұлы",
                            "birth_date": "2012-05-04",
                            "relation": "ұлы",
                        },
                        {
                            "full_name": "Жеңісова Һадиша Төлегенқызы",
                            "birth_date": "2015-09-21",
                            "relation": "қызы",
                        },
                    ],
                    "signatory": {"position": "Басқарма басшысы", "name": "Ө. Үлгібаев"},
                },
                "ru": {
                    "last_name": "Женисова",
                    "first_name": "Асемгуль",
                    "patronymic": "Галымжановна",
                    "birth_date": kandas_birth.isoformat(),
                    "birth_place": "Монголия, Баян-Улгийский аймак",
                    "iin": fictitious_iin(kandas_birth, 4),
                    "country": "Монголия",
                    "decision": {"number": "12", "date": "2025-03-03"},
                    "valid_until": "2026-03-03",
                    "family_members": [
                        {
                            "full_name": "Женисов Тулеген Жиханович",
                            "birth_date": "1987-01-30",
                            "relation": "муж",
                        },
                        {
                            "full_name": "Женисов Улан Тулегенович",
                            "birth_date": "2012-05-04",
                            "relation": "сын",
                        },
                        {
                            "full_name": "Женисова Хадиша Тулегеновна",
                            "birth_date": "2015-09-21",
                            "relation": "дочь",
                        },
                    ],
                    "signatory": {"position": "Руководитель управления", "name": "О. Улгибаев"},
                },
            },
            body=kandas_body,
        ),
        Spec(
            id="asylum-seeker-certificate",
            kind="certificate",
            title=("Пана іздеген адамның куәлігі", "Свидетельство лица, ищущего убежище"),
            source=None,
            numbered=True,
            layout_checked=False,
            layout_note=NOT_CHECKED + "The certificate confirms the registration of a petition "
            "for refugee status (definition in the Rules for granting, extending, depriving and "
            "terminating refugee status, Government resolution No. 183 of 09.03.2010; petitions "
            "are registered under the Rules approved by order No. 118 of 07.04.2022); its "
            "approved form was not seen.",
            official_form=None,
            header=DEPARTMENT,
            schema=root_schema(
                "asylum-seeker-certificate",
                {
                    **person,
                    "citizenship": text(100),
                    "petition": ACT_REF,
                    "valid_until": day(),
                    "signatory": SIGNATORY,
                },
                ("patronymic",),
            ),
            labels={
                **PERSON_LABELS,
                "citizenship": ("Азаматтығы", "Гражданство"),
                "petition": ("Өтінішті тіркеу", "Регистрация ходатайства"),
                "petition.number": ("Тіркеу нөмірі", "Регистрационный номер"),
                "petition.date": ("Тіркелген күні", "Дата регистрации"),
                **VALID_UNTIL,
                **SIGNATORY_LABELS,
            },
            examples={
                "kk": {
                    "last_name": "Мысалова",
                    "first_name": "Лейла",
                    "birth_date": "1994-11-02",
                    "citizenship": "Ауғанстан",
                    "petition": {"number": "7", "date": "2025-02-10"},
                    "valid_until": "2025-05-10",
                    "signatory": {"position": "Басқарма басшысы", "name": "Ө. Үлгібаев"},
                },
                "ru": {
                    "last_name": "Мысалова",
                    "first_name": "Лейла",
                    "birth_date": "1994-11-02",
                    "citizenship": "Афганистан",
                    "petition": {"number": "7", "date": "2025-02-10"},
                    "valid_until": "2025-05-10",
                    "signatory": {"position": "Руководитель управления", "name": "О. Улгибаев"},
                },
            },
            body=asylum_body,
        ),
        Spec(
            id="refugee-certificate",
            kind="certificate",
            title=("Босқын куәлігі", "Удостоверение беженца"),
            source=None,
            numbered=True,
            layout_checked=False,
            layout_note=NOT_CHECKED + "The refugee certificate is a protected specimen approved "
            "by the ministerial order named in official_form (adilet.zan.kz V2400034405); its "
            "appendix (the specimen and its protection requirements) was not seen. This DOCX "
            "is a data sheet with neutral labels, not the protected blank.",
            official_form="Приказ Министра труда и социальной защиты населения Республики "
            "Казахстан от 22 мая 2024 года № 157 «Об утверждении образца удостоверения беженца "
            "и требований к его защите» (зарегистрирован в Министерстве юстиции Республики "
            "Казахстан 24 мая 2024 года № 34405), приложение к приказу",
            header=DEPARTMENT,
            schema=root_schema(
                "refugee-certificate",
                {
                    **person,
                    "birth_place": text(200),
                    "citizenship": text(100),
                    "iin": iin(),
                    "decision": ACT_REF,
                    "valid_until": day(),
                    "signatory": SIGNATORY,
                },
                ("patronymic", "iin"),
            ),
            labels={
                **PERSON_LABELS,
                "birth_place": ("Туған жері", "Место рождения"),
                "citizenship": ("Азаматтығы", "Гражданство"),
                "iin": ("ЖСН", "ИИН"),
                **DECISION_LABELS,
                **VALID_UNTIL,
                **SIGNATORY_LABELS,
            },
            examples={
                "kk": {
                    "last_name": "Мысалов",
                    "first_name": "Самир",
                    "birth_date": refugee_birth.isoformat(),
                    "birth_place": "Кабул қаласы",
                    "citizenship": "азаматтығы жоқ адам",
                    "iin": fictitious_iin(refugee_birth, 3),
                    "decision": {"number": "3", "date": "2025-01-28"},
                    "valid_until": "2026-01-28",
                    "signatory": {"position": "Басқарма басшысы", "name": "Ө. Үлгібаев"},
                },
                "ru": {
                    "last_name": "Мысалов",
                    "first_name": "Самир",
                    "birth_date": refugee_birth.isoformat(),
                    "birth_place": "город Кабул",
                    "citizenship": "лицо без гражданства",
                    "iin": fictitious_iin(refugee_birth, 3),
                    "decision": {"number": "3", "date": "2025-01-28"},
                    "valid_until": "2026-01-28",
                    "signatory": {"position": "Руководитель управления", "name": "О. Улгибаев"},
                },
            },
            body=refugee_body,
        ),
        Spec(
            id="qualification-certificate",
            kind="certificate",
            title=(
                "Өз бетінше жұмысқа орналасуы үшін шетелдікке немесе азаматтығы жоқ адамға "
                "біліктілігінің сәйкестігі туралы анықтама",
                "Справка иностранцу или лицу без гражданства о соответствии его квалификации "
                "для самостоятельного трудоустройства",
            ),
            source=None,
            numbered=True,
            layout_checked=False,
            layout_note=NOT_CHECKED + "Issued under the Rules for issuing or extending such "
            "certificates (order of the Deputy Prime Minister – Minister of Labour and Social "
            "Protection No. 236 of 22.06.2023, registered No. 32887, appendix 1); the form of "
            "the certificate itself was not seen.",
            official_form=None,
            header=DEPARTMENT,
            schema=root_schema(
                "qualification-certificate",
                {
                    **person,
                    "citizenship": text(100),
                    "identity_document": text(200),
                    "education": text(300),
                    "occupation": text(200),
                    "sector": text(300),
                    "valid_until": day(),
                    "signatory": SIGNATORY,
                },
                ("patronymic",),
            ),
            labels={
                **PERSON_LABELS,
                "citizenship": ("Азаматтығы", "Гражданство"),
                "identity_document": (
                    "Жеке басын куәландыратын құжат",
                    "Документ, удостоверяющий личность",
                ),
                "education": ("Білімі", "Образование"),
                "occupation": ("Кәсібі (мамандығы)", "Профессия (специальность)"),
                "sector": ("Экономика саласы", "Отрасль экономики"),
                **VALID_UNTIL,
                **SIGNATORY_LABELS,
            },
            examples={
                "kk": {
                    "last_name": "Образцов",
                    "first_name": "Иван",
                    "patronymic": "Петрович",
                    "birth_date": "1988-02-29",
                    "citizenship": "Ресей Федерациясы",
                    "identity_document": "шетелдік паспорт № 00 0000001",
                    "education": "жоғары",
                    "occupation": "инженер-технолог",
                    "sector": "өңдеу өнеркәсібі",
                    "valid_until": "2026-04-01",
                    "signatory": {"position": "Басқарма басшысы", "name": "Ө. Үлгібаев"},
                },
                "ru": {
                    "last_name": "Образцов",
                    "first_name": "Иван",
                    "patronymic": "Петрович",
                    "birth_date": "1988-02-29",
                    "citizenship": "Российская Федерация",
                    "identity_document": "заграничный паспорт № 00 0000001",
                    "education": "высшее",
                    "occupation": "инженер-технолог",
                    "sector": "обрабатывающая промышленность",
                    "valid_until": "2026-04-01",
                    "signatory": {"position": "Руководитель управления", "name": "О. Улгибаев"},
                },
            },
            body=qualification_body,
        ),
        Spec(
            id="foreign-labour-permit",
            kind="permit",
            title=(
                "Жұмыс берушіге шетелдік жұмыс күшін тартуға рұқсат",
                "Разрешение работодателю на привлечение иностранной рабочей силы",
            ),
            source=None,
            numbered=True,
            layout_checked=False,
            layout_note=NOT_CHECKED + "Issued under the Rules and conditions for issuing and "
            "extending permits to employers to attract foreign labour (order of the Deputy Prime "
            "Minister – Minister of Labour and Social Protection No. 279 of 30.06.2023, "
            "registered No. 32977); the permit's form was not seen.",
            official_form=None,
            header=DEPARTMENT,
            schema=root_schema(
                "foreign-labour-permit",
                {
                    "employer": obj(
                        {"name": text(300), "bin": bin_(), "address": text(300)},
                    ),
                    "work_place": text(300),
                    "positions": array(
                        obj(
                            {
                                "occupation": text(200),
                                "count": {"type": "integer", "minimum": 1, "maximum": 10000},
                            }
                        ),
                        50,
                        1,
                    ),
                    "valid_from": day(),
                    "valid_until": day(),
                    "signatory": SIGNATORY,
                },
            ),
            labels={
                "employer": ("Жұмыс беруші", "Работодатель"),
                "employer.name": ("Жұмыс берушінің атауы", "Наименование работодателя"),
                "employer.bin": ("БСН", "БИН"),
                "employer.address": ("Мекенжайы", "Адрес"),
                "work_place": ("Еңбек қызметін жүзеге асыру орны", "Место трудовой деятельности"),
                "positions": ("Кәсіптер (лауазымдар)", "Профессии (должности)"),
                "positions[]": ("Кәсіп (лауазым)", "Профессия (должность)"),
                "positions[].occupation": ("Кәсіп (лауазым)", "Профессия (должность)"),
                "positions[].count": (
                    "Шетелдік жұмыскерлер саны",
                    "Количество иностранных работников",
                ),
                "valid_from": ("Қолданылу мерзімінің басы", "Начало срока действия"),
                "valid_until": ("Қолданылу мерзімінің соңы", "Окончание срока действия"),
                **SIGNATORY_LABELS,
            },
            examples={
                "kk": {
                    "employer": {
                        "name": "«Үлгі Құрылыс» жауапкершілігі шектеулі серіктестігі",
                        "bin": fictitious_bin(2015, 4, 1),
                        "address": "Қостанай қаласы, Үлгі көшесі, 1",
                    },
                    "work_place": "Қостанай облысы, Қостанай қаласы",
                    "positions": [
                        {"occupation": "құрылыс инженері", "count": 2},
                        {"occupation": "электр монтері", "count": 1250},
                    ],
                    "valid_from": "2025-04-01",
                    "valid_until": "2026-03-31",
                    "signatory": {"position": "Басқарма басшысы", "name": "Ө. Үлгібаев"},
                },
                "ru": {
                    "employer": {
                        "name": "Товарищество с ограниченной ответственностью «Улги Курылыс»",
                        "bin": fictitious_bin(2015, 4, 1),
                        "address": "город Костанай, улица Улги, 1",
                    },
                    "work_place": "Костанайская область, город Костанай",
                    "positions": [
                        {"occupation": "инженер-строитель", "count": 2},
                        {"occupation": "электромонтёр", "count": 1250},
                    ],
                    "valid_from": "2025-04-01",
                    "valid_until": "2026-03-31",
                    "signatory": {"position": "Руководитель управления", "name": "О. Улгибаев"},
                },
            },
            body=permit_body,
        ),
        Spec(
            id="resolution-approval",
            kind="resolution",
            title=(
                "Әкімдіктің ережені бекіту туралы қаулысы",
                "Постановление акимата об утверждении положения",
            ),
            source="registry-act",
            numbered=False,
            layout_checked=False,
            layout_note=NOT_CHECKED + "Structure, resolving formula and approval stamp follow "
            "the published resolution No. 514 of 12.11.2021 (the seed); the akimat's blank "
            "was not seen. The approved text comes from the registry (act_uri as at as_at).",
            official_form=None,
            header=AKIMAT,
            schema=root_schema(
                "resolution-approval",
                {
                    "title": text(1000),
                    "place": text(100),
                    "basis": text(4000),
                    "points": POINTS,
                    "act_uri": uri(),
                    "as_at": day(),
                    "akim": SIGNATORY,
                },
                ("basis",),
            ),
            labels={
                "title": ("Қаулының тақырыбы", "Заголовок постановления"),
                "place": ("Қабылданған жері", "Место принятия"),
                "basis": ("Кіріспе (құқықтық негіздер)", "Преамбула (правовые основания)"),
                **POINT_LABELS,
                "act_uri": (
                    "Бекітілетін ереже бар акт (тізілімдегі URI)",
                    "Акт с утверждаемым положением (URI в реестре)",
                ),
                "as_at": ("Ереже мәтінінің күні", "Дата редакции положения"),
                **AKIM_LABELS,
            },
            examples={
                "kk": {
                    "title": f"{REGULATION_KK} туралы ережені бекіту туралы",
                    "place": "Қостанай қаласы",
                    "basis": "«Қазақстан Республикасындағы жергілікті мемлекеттік басқару және "
                    "өзін-өзі басқару туралы» Қазақстан Республикасы Заңының 27-бабына сәйкес",
                    "points": [
                        {"text": f"Қоса беріліп отырған {REGULATION_KK} туралы ереже бекітілсін."},
                        {
                            "text": "Осы қаулының орындалуын бақылау Қостанай облысы әкімінің "
                            "жетекшілік ететін орынбасарына жүктелсін."
                        },
                        {
                            "text": "Осы қаулы алғашқы ресми жарияланған күнінен бастап "
                            "қолданысқа енгізіледі."
                        },
                    ],
                    "act_uri": ACT_URI,
                    "as_at": "2025-01-01",
                    "akim": {"position": "Қостанай облысының әкімі", "name": "Ө. Үлгібаев"},
                },
                "ru": {
                    "title": "Об утверждении Положения о " + REGULATION_RU_ABOUT,
                    "place": "город Костанай",
                    "basis": "В соответствии со статьей 27 Закона Республики Казахстан «О местном "
                    "государственном управлении и самоуправлении в Республике Казахстан»",
                    "points": [
                        {"text": "Утвердить прилагаемое Положение о " + REGULATION_RU_ABOUT + "."},
                        {
                            "text": "Контроль за исполнением настоящего постановления возложить "
                            "на курирующего заместителя акима Костанайской области."
                        },
                        {
                            "text": "Настоящее постановление вводится в действие со дня его "
                            "первого официального опубликования."
                        },
                    ],
                    "act_uri": ACT_URI,
                    "as_at": "2025-01-01",
                    "akim": {"position": "Аким Костанайской области", "name": "О. Улгибаев"},
                },
            },
            body=approval_body,
        ),
        Spec(
            id="resolution-amending",
            kind="resolution",
            title=(
                "Әкімдіктің қаулысына өзгерістер енгізу туралы қаулы",
                "Постановление акимата о внесении изменений в постановление",
            ),
            source="registry-amendment",
            numbered=False,
            layout_checked=False,
            layout_note=NOT_CHECKED + "Title and lead-in formulas follow the published amending "
            "resolution of the Pavlodar city akimat No. 297/1 of 15.03.2023 (corpus sample 11) "
            "and resolution No. 514; the amendment's points come from the registry as "
            "formulated sentences. For resolutions of the Kostanay region akimat only.",
            official_form=None,
            header=AKIMAT,
            schema=root_schema(
                "resolution-amending",
                {
                    "place": text(100),
                    "basis": text(4000),
                    "amendment_uri": uri(),
                    "points": POINTS,
                    "akim": SIGNATORY,
                },
                ("basis",),
            ),
            labels={
                "place": ("Қабылданған жері", "Место принятия"),
                "basis": ("Кіріспе (құқықтық негіздер)", "Преамбула (правовые основания)"),
                "amendment_uri": (
                    "Тізілімдегі өзгерістер (өзгертетін актінің URI)",
                    "Изменения в реестре (URI изменяющего акта)",
                ),
                **{
                    path: (f"{kk} (2-тармақтан бастап)", f"{ru} (начиная с пункта 2)")
                    if path == "points"
                    else (kk, ru)
                    for path, (kk, ru) in POINT_LABELS.items()
                },
                **AKIM_LABELS,
            },
            examples={
                "kk": {
                    "place": "Қостанай қаласы",
                    "amendment_uri": AMENDMENT_URI,
                    "points": [
                        {
                            "text": "Осы қаулының орындалуын бақылау Қостанай облысы әкімінің "
                            "жетекшілік ететін орынбасарына жүктелсін."
                        },
                        {
                            "text": "Осы қаулы алғашқы ресми жарияланған күнінен бастап "
                            "қолданысқа енгізіледі."
                        },
                    ],
                    "akim": {"position": "Қостанай облысының әкімі", "name": "Ө. Үлгібаев"},
                },
                "ru": {
                    "place": "город Костанай",
                    "amendment_uri": AMENDMENT_URI,
                    "points": [
                        {
                            "text": "Контроль за исполнением настоящего постановления возложить "
                            "на курирующего заместителя акима Костанайской области."
                        },
                        {
                            "text": "Настоящее постановление вводится в действие со дня его "
                            "первого официального опубликования."
                        },
                    ],
                    "akim": {"position": "Аким Костанайской области", "name": "О. Улгибаев"},
                },
            },
            body=amending_body,
        ),
        Spec(
            id="consolidated",
            kind="consolidated",
            title=("Актінің бақылау мәтіні", "Контрольный текст акта"),
            source="registry-act",
            numbered=False,
            layout_checked=True,
            layout_note="No official form: a reference text for staff, marked as not an "
            "official publication.",
            official_form=None,
            header=DEPARTMENT,
            schema=root_schema("consolidated", {"act_uri": uri(), "as_at": day()}),
            labels={
                "act_uri": ("Акт (тізілімдегі URI)", "Акт (URI в реестре)"),
                "as_at": ("Мәтіннің күні", "По состоянию на"),
            },
            examples={
                "kk": {"act_uri": ACT_URI, "as_at": "2025-01-01"},
                "ru": {"act_uri": ACT_URI, "as_at": "2025-01-01"},
            },
            body=consolidated_body,
        ),
    ]


# --- writing ---


def json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_files(spec: Spec) -> dict[str, bytes]:
    """Every file of one template directory, by name."""
    paths = set(label_paths(spec.schema))
    if paths != set(spec.labels):
        raise SystemExit(
            f"{spec.id}: labels do not match the schema: missing "
            f"{sorted(paths - set(spec.labels))}, unknown {sorted(set(spec.labels) - paths)}"
        )
    files = {
        "meta.json": json_bytes(spec.meta()),
        "schema.json": json_bytes(spec.schema),
        "labels.json": json_bytes(
            {path: {"kk": kk, "ru": ru} for path, (kk, ru) in spec.labels.items()}
        ),
    }
    for i, lang in enumerate(LANGS):
        writer = Writer(lang, spec.header[lang], spec.title[i], spec.kind)
        spec.body(writer, spec.labels)
        files[f"{lang}.docx"] = writer.to_bytes()
        files[f"example.{lang}.json"] = json_bytes(spec.examples[lang])
    return files


def build(out: Path) -> list[Path]:
    """Write every template under ``out``; stale files in a template's directory are removed."""
    written: list[Path] = []
    for spec in specs():
        folder = out / spec.id
        folder.mkdir(parents=True, exist_ok=True)
        files = render_files(spec)
        for stale in sorted(folder.iterdir()):
            if stale.is_file() and stale.name not in files:
                stale.unlink()
        for name, data in files.items():
            path = folder / name
            path.write_bytes(data)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT, help=f"target directory (default {OUT})")
    args = parser.parse_args(argv)
    written = build(args.out)
    print(f"wrote {len(written)} files under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
