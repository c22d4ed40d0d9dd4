"""The `kense` commands, run through click's CliRunner on the real group against a SQLite file.

Output conventions (design.md §2): stdout carries data only, messages go to stderr; exit status
2 = invalid (usage errors included), 3 = not found, 4 = conflict.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from lxml import etree

import app as kense_app
from registry.akn import AKN_NS, validate_akn
from registry.config import RegistryConfig
from registry.parse import parse_official_text
from registry.service import Registry

SEED = "/akn/kz-kus/act/resolution/2021-11-12/514"
NEW = "/akn/kz-kus/act/resolution/2022-03-05/77"
PARA_15 = "chp_2__para_15"
POINT_1 = "chp_2__para_15__point_1"
POINT_41 = "chp_2__para_15__point_41"
KANDAS = "қандас куәлігін береді"
NODE_KEYS = {"type", "eid", "num", "heading", "text", "children"}
COMMANDS = ["init", "serve", "acts", "import", "show", "versions", "diff", "amend", "publish"]

KK_TEXT = (
    "Тест туралы\n\n"
    "Қостанай облысы әкімдігінің 2022 жылғы 5 наурыздағы № 77 қаулысы.\n\n"
    "Қостанай облысының әкімдігі ҚАУЛЫ ЕТЕДІ:\n\n"
    "1. Бекітілсін:\n\n1) ереже;\n\n2) тізбе.\n\n"
    "2. Осы қаулы қол қойылған күнінен бастап қолданысқа енгізіледі.\n"
)
RU_TEXT = (
    "О тесте\n\n"
    "Постановление акимата Костанайской области от 5 марта 2022 года № 77.\n\n"
    "Акимат Костанайской области ПОСТАНОВЛЯЕТ:\n\n"
    "1. Утвердить:\n\n1) положение;\n\n2) перечень.\n\n"
    "2. Настоящее постановление вводится в действие со дня подписания.\n"
)

Kense = Callable[..., Result]


@pytest.fixture(autouse=True, scope="module")
def _logging_outside_the_runner() -> None:
    """Configure the JSON log handler on the real stderr, not on a CliRunner's captured one."""
    kense_app.configure_logging("INFO")


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "kense.db"


@pytest.fixture
def kense(db_file: Path) -> Kense:
    """Run `kense ARGS…` with KENSE_DATABASE_URL pointing to a fresh SQLite file."""
    env = {"KENSE_DATABASE_URL": f"sqlite:///{db_file}", "KENSE_DATA_DIR": str(db_file.parent)}
    runner = CliRunner(env=env)

    def run(*args: str | Path) -> Result:
        result = runner.invoke(kense_app.cli, [str(a) for a in args], prog_name="kense")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"kense {args} raised: {result.stderr}") from result.exception
        assert "Traceback" not in result.stderr
        return result

    return run


@pytest.fixture
def seeded(kense: Kense) -> Kense:
    result = kense("init")
    assert result.exit_code == 0, result.stderr
    return kense


def ok(result: Result) -> Result:
    assert result.exit_code == 0, f"exit {result.exit_code}: {result.stderr}"
    return result


def data(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node["children"]:
        yield from walk(child)


def find(root: dict[str, Any], eid: str) -> dict[str, Any]:
    (node,) = (n for n in walk(root) if n["eid"] == eid)
    return node


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def amendment_file(tmp_path: Path, name: str = "a.json", **changes: Any) -> Path:
    body: dict[str, Any] = {
        "amending_act": {
            "type": "resolution",
            "issuer": "Қостанай облысы әкімдігі",
            "number": "9",
            "date": "2024-02-01",
            "title": {"kk": "№ 514 қаулыға өзгерістер енгізу туралы"},
        },
        "effective": {"rule": "fixed", "date": "2024-03-01"},
        "operations": [{"op": "substitute", "eid": POINT_1, "text": {"kk": "жаңа мәтін;"}}],
    }
    body.update(changes)
    return write(tmp_path, name, json.dumps(body, ensure_ascii=False))


# --- help -----------------------------------------------------------------------------------------


def test_help_lists_the_commands(kense: Kense, db_file: Path) -> None:
    result = ok(kense("--help"))
    assert result.stdout.startswith("Usage: kense")
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\s", result.stdout, re.M), name
    assert not db_file.exists()  # --help needs no database


@pytest.mark.parametrize("name", sorted(kense_app.cli.commands))
def test_every_command_has_help(kense: Kense, db_file: Path, name: str) -> None:
    result = ok(kense(name, "--help"))
    assert result.stdout.startswith(f"Usage: kense {name}")
    assert "--help" in result.stdout
    assert not db_file.exists()


def test_design_commands_exist() -> None:
    assert set(COMMANDS) <= set(kense_app.cli.commands)


def test_unknown_command_is_a_usage_error(kense: Kense) -> None:
    result = kense("nonsense")
    assert result.exit_code == 2 and "No such command" in result.stderr


# --- init and listing -----------------------------------------------------------------------------


def test_init_is_idempotent(kense: Kense) -> None:
    first = ok(kense("init"))
    assert first.stdout == ""
    assert f"loaded {SEED}" in first.stderr
    second = ok(kense("init"))
    assert second.stdout == ""
    assert "already loaded" in second.stderr and "loaded /akn" not in second.stderr
    items = data(kense("acts", "--json"))["items"]
    assert [i["frbr_uri"] for i in items].count(SEED) == 1


def test_commands_before_init_say_to_run_init(kense: Kense) -> None:
    result = kense("acts", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "kense init" in result.stderr


def test_acts_json_is_utf8_unescaped(seeded: Kense) -> None:
    result = ok(seeded("acts", "--json"))
    assert "Қостанай облысы әкімдігі" in result.stdout and "\\u" not in result.stdout
    body = json.loads(result.stdout)
    assert set(body) >= {"items"}
    seed = next(i for i in body["items"] if i["frbr_uri"] == SEED)
    assert seed["languages"] == ["kk"] and "ережені бекіту туралы" in seed["title"]["kk"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--number", "514"], [SEED]),
        (["--number", "1"], []),
        (["--date", "2021-11-12"], [SEED]),
        (["--date", "2021-11-13"], []),
        (["--type", "order"], []),
        (["--number", "514", "--type", "resolution"], [SEED]),
    ],
)
def test_acts_filters(seeded: Kense, args: list[str], expected: list[str]) -> None:
    items = data(seeded("acts", "--json", *args))["items"]
    assert [i["frbr_uri"] for i in items] == expected


def test_acts_plain_lines(seeded: Kense) -> None:
    lines = ok(seeded("acts")).stdout.splitlines()
    seed = next(line for line in lines if line.startswith(SEED + "\t"))
    uri, langs, title = seed.split("\t")
    assert (uri, langs) == (SEED, "kk") and "ережені бекіту туралы" in title


@pytest.mark.parametrize("bad", ["2021-02-30", "yesterday", "12.11.2021"])
def test_acts_bad_date_is_a_usage_error(seeded: Kense, bad: str) -> None:
    result = seeded("acts", "--date", bad)
    assert result.exit_code == 2 and result.stdout == ""
    assert "--date" in result.stderr and bad in result.stderr


# --- show -----------------------------------------------------------------------------------------


def test_show_json_tree_contract(seeded: Kense) -> None:
    tree = data(seeded("show", SEED, "--at", "2024-01-01", "--format", "json"))
    eids = []
    for node in walk(tree):
        assert set(node) >= NODE_KEYS
        assert isinstance(node["children"], list)
        eids.append(node["eid"])
    assert len(eids) == len(set(eids))
    assert (tree["type"], tree["frbr_uri"]) == ("act", SEED)
    assert tree["valid_from"] == "2023-10-17" and tree["valid_to"] is None
    para = find(tree, PARA_15)
    assert para["type"] == "paragraph" and para["text"] == "Функциялары:"
    assert KANDAS in find(tree, POINT_41)["text"]
    assert any(n["eid"] == PARA_15 for n in tree["notes"])


def test_show_text_round_trip(seeded: Kense) -> None:
    result = ok(seeded("show", SEED, "--at", "2024-01-01", "--format", "text"))
    assert KANDAS in result.stdout
    assert result.stderr == ""  # nothing is missing on that date
    source = resources.files("registry").joinpath("seed", "kostanay-514-2021-ereje.kk.md")
    text = source.read_text("utf-8")
    expected = words(text)
    for status in parse_official_text(text, "kk").status_words:
        for word in words(status):
            expected.remove(word)
    assert words(result.stdout) == expected


def test_show_text_is_the_default_format(seeded: Kense) -> None:
    default = ok(seeded("show", SEED, "--at", "2024-01-01")).stdout
    assert default == ok(seeded("show", SEED, "--at", "2024-01-01", "--format", "text")).stdout


def test_show_akn_is_valid_xml(seeded: Kense) -> None:
    result = ok(seeded("show", SEED, "--at", "2024-01-01", "--format", "akn"))
    root = etree.fromstring(result.stdout_bytes, etree.XMLParser(resolve_entities=False))
    assert etree.QName(root).namespace == AKN_NS
    assert etree.QName(root).localname == "akomaNtoso"
    validate_akn(result.stdout_bytes)
    assert KANDAS in result.stdout_bytes.decode("utf-8")


def test_show_html_is_a_document(seeded: Kense) -> None:
    out = ok(seeded("show", SEED, "--at", "2024-01-01", "--format", "html")).stdout
    assert out.lstrip().lower().startswith("<!doctype html")
    assert KANDAS in out


def test_show_before_the_restatement_notes_paragraph_15_on_stderr(seeded: Kense) -> None:
    result = ok(seeded("show", SEED, "--at", "2022-01-01"))
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    para = [line for line in notes if PARA_15 in line]
    assert para and "2023-10-17" in para[0] and "445" in para[0]
    assert "note:" not in result.stdout and KANDAS not in result.stdout
    tree = data(seeded("show", SEED, "--at", "2022-01-01", "--format", "json"))
    assert find(tree, PARA_15)["state"] == "not_held"


def test_show_in_an_unheld_language_exits_3_naming_the_held_one(seeded: Kense) -> None:
    result = seeded("show", SEED, "--lang", "ru")
    assert result.exit_code == 3 and result.stdout == ""
    assert "kk" in result.stderr and "ru" in result.stderr


@pytest.mark.parametrize(
    ("args", "status"),
    [
        ([SEED, "--at", "2021-11-11"], 3),  # not yet in force
        (["/akn/kz-kus/act/resolution/2021-11-12/999"], 3),  # unknown act
        (["not-a-uri"], 2),
        ([SEED, "--lang", "xx"], 2),
        ([SEED, "--format", "pdf"], 2),
        ([SEED, "--at", "2024-02-30"], 2),
        ([], 2),
    ],
)
def test_show_errors(seeded: Kense, args: list[str], status: int) -> None:
    result = seeded("show", *args)
    assert result.exit_code == status, result.stderr
    assert result.stdout == "" and result.stderr.strip()


# --- versions, diff, history ----------------------------------------------------------------------


def test_versions(seeded: Kense) -> None:
    lines = ok(seeded("versions", SEED)).stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("2021-11-12 – 2023-10-16") and lines[0].endswith("original")
    assert lines[1].startswith("2023-10-17") and "№ 445 of 2023-10-17" in lines[1]
    body = data(seeded("versions", SEED, "--json"))
    assert [v["date"] for v in body["versions"]] == ["2021-11-12", "2023-10-17"]
    assert body["versions"][1]["amended_by"][0]["number"] == "445"
    assert body["pending"] == []
    assert seeded("versions", "/akn/kz-kus/act/resolution/2021-11-12/999").exit_code == 3


def test_diff_json(seeded: Kense) -> None:
    body = data(seeded("diff", SEED, "--from", "2022-01-01", "--to", "2024-01-01", "--json"))
    kinds = {c["eid"]: c["kind"] for c in body["changes"]}
    assert kinds[PARA_15] == "changed" and kinds[POINT_41] == "added"
    assert (body["from"], body["to"], body["lang"]) == ("2022-01-01", "2024-01-01", "kk")


def test_diff_text(seeded: Kense) -> None:
    result = ok(seeded("diff", SEED, "--from", "2022-01-01", "--to", "2024-01-01"))
    assert f"changed: {PARA_15}" in result.stdout.splitlines()
    assert "{+" in result.stdout and KANDAS in result.stdout
    assert re.search(r"\d+ changed, \d+ added, \d+ removed", result.stderr)


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--from", "2022-01-01"], 2),
        (["--to", "2022-01-01"], 2),
        (["--from", "x", "--to", "2024-01-01"], 2),
        (["--from", "2022-01-01", "--to", "2024-01-01", "--lang", "ru"], 3),
        (["--from", "2020-01-01", "--to", "2024-01-01"], 3),
    ],
)
def test_diff_errors(seeded: Kense, args: list[str], status: int) -> None:
    result = seeded("diff", SEED, *args)
    assert result.exit_code == status and result.stdout == ""


def test_history(seeded: Kense) -> None:
    body = data(seeded("history", SEED, PARA_15))
    assert body["eid"] == PARA_15
    states = [(v["valid_from"], v["state"]) for v in body["versions"]]
    assert states == [("2021-11-12", "not_held"), ("2023-10-17", "in_force")]
    assert body["versions"][1]["amended_by"]["number"] == "445"
    missing = seeded("history", SEED, "chp_9__para_99")
    assert missing.exit_code == 3 and "chp_9__para_99" in missing.stderr
    assert seeded("history", SEED, PARA_15, "--lang", "ru").exit_code == 3


# --- import ---------------------------------------------------------------------------------------


def test_import_prints_only_the_work_uri(seeded: Kense, tmp_path: Path) -> None:
    result = ok(seeded("import", write(tmp_path, "kk.txt", KK_TEXT), "--lang", "kk"))
    assert result.stdout == NEW + "\n"
    assert "imported as" in result.stderr and "2022-03-05" in result.stderr
    listed = [i["frbr_uri"] for i in data(seeded("acts", "--json"))["items"]]
    assert NEW in listed
    text = ok(seeded("show", NEW, "--at", "2022-03-05")).stdout
    assert words(text) == words(KK_TEXT)


def test_importing_the_same_language_again_exits_4(seeded: Kense, tmp_path: Path) -> None:
    path = write(tmp_path, "kk.txt", KK_TEXT)
    ok(seeded("import", path, "--lang", "kk"))
    again = seeded("import", path, "--lang", "kk")
    assert again.exit_code == 4 and again.stdout == ""
    assert "already has a kk text" in again.stderr and NEW in again.stderr


def test_import_attaches_a_second_language(seeded: Kense, tmp_path: Path) -> None:
    ok(seeded("import", write(tmp_path, "kk.txt", KK_TEXT), "--lang", "kk"))
    result = ok(seeded("import", write(tmp_path, "ru.txt", RU_TEXT), "--lang", "ru"))
    assert result.stdout == NEW + "\n" and "attached to" in result.stderr
    ru = ok(seeded("show", NEW, "--lang", "ru", "--at", "2022-03-05")).stdout
    assert words(ru) == words(RU_TEXT)


def test_import_with_work_checks_the_citation(seeded: Kense, tmp_path: Path) -> None:
    path = write(tmp_path, "ru.txt", RU_TEXT)
    result = seeded("import", path, "--lang", "ru", "--work", SEED)
    assert result.exit_code == 2 and result.stdout == ""
    assert "05.03.2022" in result.stderr


def test_import_parse_error_reports_the_line(seeded: Kense, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.txt", "Ереже туралы\n\nЖаңа\n\nБұл жолда дәйексөз жоқ.\n")
    result = seeded("import", path, "--lang", "kk")
    assert result.exit_code == 2 and result.stdout == ""
    assert re.match(r"line 5: \S", result.stderr), result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr.split(":")[0]
    nul = write(tmp_path, "nul.txt", KK_TEXT.replace("тізбе.", "тіз\x00бе."))
    result = seeded("import", nul, "--lang", "kk")
    assert result.exit_code == 2 and result.stderr.startswith("line 11: ")
    assert NEW not in ok(seeded("acts")).stdout


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16"])
def test_import_of_a_file_that_is_not_utf8_exits_2(
    seeded: Kense, tmp_path: Path, encoding: str
) -> None:
    path = write(tmp_path, "ru.txt", RU_TEXT.encode(encoding))
    result = seeded("import", path, "--lang", "ru")
    assert result.exit_code == 2 and result.stdout == ""
    assert "UTF-8" in result.stderr


def test_import_usage_errors(seeded: Kense, tmp_path: Path) -> None:
    path = write(tmp_path, "kk.txt", KK_TEXT)
    no_lang = seeded("import", path)
    assert no_lang.exit_code == 2 and "--lang" in no_lang.stderr
    assert seeded("import", path, "--lang", "en").exit_code == 2
    assert seeded("import", tmp_path / "missing.txt", "--lang", "kk").exit_code == 2
    assert seeded("import", tmp_path, "--lang", "kk").exit_code == 2
    assert NEW not in ok(seeded("acts")).stdout


def test_import_of_hostile_xml_exits_2(seeded: Kense, tmp_path: Path) -> None:
    xxe = (
        '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        f'<akomaNtoso xmlns="{AKN_NS}"><act>&x;</act></akomaNtoso>'
    )
    result = seeded("import", write(tmp_path, "x.xml", xxe))
    assert result.exit_code == 2 and result.stdout == ""
    assert "root:" not in result.stderr and "DTD" in result.stderr


def test_import_of_akoma_ntoso_exported_by_show(seeded: Kense, tmp_path: Path) -> None:
    """`show --format akn` → `import` into another database gives the same act back."""
    exported = ok(seeded("show", SEED, "--at", "2024-01-01", "--format", "akn")).stdout_bytes
    path = write(tmp_path, "514.xml", exported)
    assert seeded("import", path).exit_code == 4  # the kk text is already there
    fresh_url = f"sqlite:///{tmp_path}/fresh.db"
    registry = Registry.open(RegistryConfig(database_url=fresh_url))
    registry.migrate()  # an empty registry: no bundled act
    registry.close()
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    fresh = CliRunner(env={"KENSE_DATABASE_URL": fresh_url, "KENSE_DATA_DIR": str(fresh_dir)})
    result = fresh.invoke(kense_app.cli, ["import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == SEED + "\n"
    shown = fresh.invoke(kense_app.cli, ["show", SEED, "--at", "2024-01-01"])
    assert KANDAS in shown.stdout


# --- amend, publish, event ------------------------------------------------------------------------


def test_amend_prints_json_and_changes_the_text(seeded: Kense, tmp_path: Path) -> None:
    body = data(seeded("amend", SEED, "--file", amendment_file(tmp_path)))
    assert body["status"] == "materialised" and body["effective"] == "2024-03-01"
    assert body["amending_act"] == "/akn/kz-kus/act/resolution/2024-02-01/9"
    after = data(seeded("show", SEED, "--at", "2024-03-01", "--format", "json"))
    assert find(after, POINT_1)["text"] == "жаңа мәтін;"
    before = data(seeded("show", SEED, "--at", "2024-02-29", "--format", "json"))
    assert find(before, POINT_1)["text"] != "жаңа мәтін;"
    versions = data(seeded("versions", SEED, "--json"))["versions"]
    assert versions[-1]["date"] == "2024-03-01"


def test_amend_with_invalid_json_exits_2(seeded: Kense, tmp_path: Path) -> None:
    result = seeded("amend", SEED, "--file", write(tmp_path, "a.json", "{not json"))
    assert result.exit_code == 2 and result.stdout == ""
    assert "JSON" in result.stderr
    latin1 = write(tmp_path, "b.json", '{"a": "é"}'.encode("latin-1"))
    assert seeded("amend", SEED, "--file", latin1).exit_code == 2


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("effective.rule", {"effective": {"rule": "soon"}}),
        ("operations", {"operations": []}),
        (
            "amending_act.date",
            {
                "amending_act": {
                    "type": "resolution",
                    "issuer": "x",
                    "number": "9",
                    "date": "2024-13-01",
                    "title": {"kk": "x"},
                }
            },
        ),
    ],
)
def test_amend_with_an_invalid_field_exits_2_naming_it(
    seeded: Kense, tmp_path: Path, field: str, changes: dict[str, Any]
) -> None:
    result = seeded("amend", SEED, "--file", amendment_file(tmp_path, **changes))
    assert result.exit_code == 2 and result.stdout == ""
    assert field in result.stderr
    assert len(data(seeded("versions", SEED, "--json"))["versions"]) == 2


def test_amend_conflict_and_unknown_act(seeded: Kense, tmp_path: Path) -> None:
    ok(seeded("amend", SEED, "--file", amendment_file(tmp_path)))
    act = {
        "type": "resolution",
        "issuer": "Қостанай облысы әкімдігі",
        "number": "10",
        "date": "2024-02-02",
        "title": {"kk": "басқа"},
    }
    conflict = seeded("amend", SEED, "--file", amendment_file(tmp_path, "b.json", amending_act=act))
    assert conflict.exit_code == 4 and POINT_1 in conflict.stderr
    unknown = seeded(
        "amend", "/akn/kz-kus/act/resolution/2021-11-12/999", "--file", amendment_file(tmp_path)
    )
    assert unknown.exit_code == 3
    missing = seeded("amend", SEED, "--file", tmp_path / "missing.json")
    assert missing.exit_code == 2


def test_publish_brings_a_pending_amendment_into_force(seeded: Kense, tmp_path: Path) -> None:
    act = {
        "type": "resolution",
        "issuer": "Қостанай облысы әкімдігі",
        "number": "11",
        "date": "2024-04-01",
        "title": {"kk": "өзгерістер енгізу туралы"},
    }
    path = amendment_file(tmp_path, amending_act=act, effective={"rule": "publication"})
    assert data(seeded("amend", SEED, "--file", path))["status"] == "pending"
    assert data(seeded("versions", SEED, "--json"))["pending"]
    amending = "/akn/kz-kus/act/resolution/2024-04-01/11"
    body = data(seeded("publish", amending, "--date", "2024-04-05"))
    assert body["published"] == "2024-04-05"
    assert body["effects"] == [{"frbr_uri": SEED, "effective": "2024-04-05"}]
    after = data(seeded("show", SEED, "--at", "2024-04-05", "--format", "json"))
    assert find(after, POINT_1)["text"] == "жаңа мәтін;"
    assert data(seeded("versions", SEED, "--json"))["pending"] == []
    again = seeded("publish", amending, "--date", "2024-04-06")
    assert again.exit_code == 4 and "already" in again.stderr


def test_publish_whose_effect_date_overflows_exits_2(seeded: Kense, tmp_path: Path) -> None:
    act = {
        "type": "resolution",
        "issuer": "Қостанай облысы әкімдігі",
        "number": "11",
        "date": "2024-04-01",
        "title": {"kk": "өзгерістер енгізу туралы"},
    }
    path = amendment_file(tmp_path, amending_act=act, effective={"rule": "publication+10"})
    ok(seeded("amend", SEED, "--file", path))
    amending = "/akn/kz-kus/act/resolution/2024-04-01/11"
    result = seeded("publish", amending, "--date", "9999-12-30")
    assert result.exit_code == 2 and result.stdout == ""
    assert "9999-12-30" in result.stderr


@pytest.mark.parametrize("bad", ["2024-02-30", "05.04.2024", "tomorrow", ""])
def test_publish_bad_date_is_a_usage_error(seeded: Kense, bad: str) -> None:
    result = seeded("publish", SEED, "--date", bad)
    assert result.exit_code == 2 and result.stdout == ""
    assert "--date" in result.stderr


def test_publish_requires_a_date_and_a_known_act(seeded: Kense) -> None:
    assert seeded("publish", SEED).exit_code == 2
    unknown = seeded("publish", "/akn/kz-kus/act/resolution/2021-11-12/999", "--date", "2024-01-01")
    assert unknown.exit_code == 3


def test_event_repealed_ends_the_act(seeded: Kense) -> None:
    body = data(seeded("event", SEED, "repealed", "--date", "2025-01-01"))
    assert (body["event"], body["date"]) == ("repealed", "2025-01-01")
    assert ok(seeded("show", SEED, "--at", "2024-12-31")).stdout
    gone = seeded("show", SEED, "--at", "2025-01-01")
    assert gone.exit_code == 3 and "repealed" in gone.stderr
    assert seeded("event", SEED, "repealed", "--date", "2025-01-02").exit_code == 4
    assert seeded("event", SEED, "vanished", "--date", "2025-01-02").exit_code == 2


# --- the installed console script -----------------------------------------------------------------


def _console(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    script = shutil.which("kense", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-c", "import app; app.main()"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENSE_")}
    env["KENSE_DATABASE_URL"] = f"sqlite:///{tmp_path}/console.db"
    env["KENSE_DATA_DIR"] = str(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    return run


def test_console_script_keeps_stdout_for_data(tmp_path: Path) -> None:
    run = _console(tmp_path)
    init = run("init")
    assert init.returncode == 0, init.stderr
    assert init.stdout == ""
    assert f"loaded {SEED}" in init.stderr
    listed = run("acts", "--json")
    assert listed.returncode == 0
    assert "Қостанай" in listed.stdout
    json.loads(listed.stdout)  # nothing but the data
    path = write(tmp_path, "kk.txt", KK_TEXT)
    imported = run("import", str(path), "--lang", "kk")
    assert imported.returncode == 0 and imported.stdout == NEW + "\n"
    failed = run("import", str(path), "--lang", "kk")
    assert failed.returncode == 4 and failed.stdout == ""
    assert "Traceback" not in failed.stderr
