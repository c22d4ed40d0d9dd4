"""`kense templates`, `kense generate`, `kense documents …`: data to stdout, messages to stderr."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from registry.audit import current_actor
from registry.cli import DATE, echo_json, handles_errors
from registry.policy import Action
from templates.errors import (
    ConversionError,
    InvalidData,
    TemplateChanged,
    TemplateError,
    TemplateNotFound,
    UnsupportedLanguage,
)
from templates.upload import MAX_TEMPLATE_BYTES
from templates.workflows import Documents, example_data

F = TypeVar("F", bound=Callable[..., Any])
EXIT: dict[type[TemplateError], int] = {
    InvalidData: 2,
    UnsupportedLanguage: 2,
    TemplateNotFound: 3,
    TemplateChanged: 4,
    ConversionError: 5,
}
MAX_DATA_FILE = 1024 * 1024


def handles_template_errors(func: F) -> F:
    """Template errors on stderr (every failing field on its own line), with an exit status."""

    @handles_errors
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TemplateError as exc:
            click.echo(f"error: {exc.message}", err=True)
            for name, problem in exc.fields.items():
                click.echo(f"  {name}: {problem}", err=True)
            sys.exit(next((code for cls, code in EXIT.items() if isinstance(exc, cls)), 1))

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


def _documents(ctx: click.Context) -> Documents:
    documents: Documents = ctx.obj.documents()
    return documents


def _actor() -> str:
    """The CLI acts as the local operator (set by the `kense` group, see app.py)."""
    return current_actor()


@click.command("templates")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_template_errors
def templates_command(ctx: click.Context, as_json: bool) -> None:
    """List the document templates."""
    items = _documents(ctx).templates()
    if as_json:
        echo_json({"templates": items})
        return
    for item in items:
        title = item["title"].get("kk") or item["id"]
        click.echo(f"{item['id']:28} {item['kind']:13} {','.join(item['languages']):6} {title}")


@click.command("upload-template")
@click.argument("template")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--lang", type=click.Choice(["kk", "ru"]), required=True)
@click.pass_context
@handles_template_errors
def upload_template_command(ctx: click.Context, template: str, file: Path, lang: str) -> None:
    """Replace a template's DOCX in one language with FILE (checked first; drafts made with the
    old file are drafted again to be finalised). Prints the template's new version."""
    with open(file, "rb") as source:
        data = source.read(MAX_TEMPLATE_BYTES + 1)
    stored = _documents(ctx).upload(template, lang, data, actor=_actor())
    click.echo(stored["version"])
    click.echo(f"{template} ({lang}) replaced by {file} ({stored['sha256'][:12]})", err=True)


def _load_data(path: Path, langs: tuple[str, ...]) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_DATA_FILE:
            raise InvalidData(
                f"{path} is larger than {MAX_DATA_FILE} bytes", fields={"data": "too large"}
            )
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidData(f"cannot read {path}: {exc}", fields={"data": str(exc)}) from exc
    if len(langs) == 1:
        return {langs[0]: data}
    if not isinstance(data, dict) or set(data) != set(langs):
        raise InvalidData(
            f"with several --lang, {path} holds an object keyed by language: " + ", ".join(langs),
            fields={"data": "an object keyed by language"},
        )
    return data


def _writable(out: Path) -> None:
    """Create ``out`` and make sure files can be written there before anything is numbered."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".kense-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise click.BadParameter(f"{out}: {exc.strerror}", param_hint="--out") from exc


def _write(
    documents: Documents, document: dict[str, Any], stage: str, out: Path
) -> dict[str, dict[str, str]]:
    written: dict[str, dict[str, str]] = {}
    if document["number"] and document["date"]:
        stem = f"{document['template']}-{document['date'][:4]}-{document['number']}"
    else:
        stem = f"{document['template']}-{document['id']}"
    for item in document["files"]:
        if item["stage"] != stage:
            continue
        body, _ = documents.registry.document_file(
            document["id"], stage, item["lang"], item["format"]
        )
        path = out / f"{stem}.{item['lang']}.{item['format']}"
        try:
            path.write_bytes(body)
        except OSError as exc:
            click.echo(
                f"error: document {document['id']} ({document['status']}, number "
                f"{document['number'] or '—'}) is recorded, but {path} could not be written: "
                f"{exc.strerror}; fetch it with `kense documents finalise`/`show` or the API",
                err=True,
            )
            sys.exit(1)
        written.setdefault(item["lang"], {})[item["format"]] = str(path)
    return written


def _report(document: dict[str, Any], written: dict[str, dict[str, str]], as_json: bool) -> None:
    first = next(iter(written.values()), {})
    if as_json:
        echo_json(
            {
                "id": document["id"],
                "number": document["number"],
                "status": document["status"],
                "files": first,
                "languages": written,
            }
        )
        return
    click.echo(document["id"])
    number = document["number"] or "no number (draft)"
    click.echo(f"{document['status']}: {number}", err=True)
    for paths in written.values():
        for path in paths.values():
            click.echo(f"wrote {path}", err=True)


@click.command("generate")
@click.argument("template")
@click.option("--lang", "langs", multiple=True, required=True, type=click.Choice(["kk", "ru"]))
@click.option("--data", "data_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--example", is_flag=True, help="Use the template's example data.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
@click.option("--final", is_flag=True, help="Finalise: give it its registration number.")
@click.option("--cites", multiple=True, help="FRBR URI of an act the document cites.")
@click.option("--corrects", help="Id of the document this one corrects.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_template_errors
def generate_command(
    ctx: click.Context,
    template: str,
    langs: tuple[str, ...],
    data_file: Path | None,
    example: bool,
    out: Path,
    final: bool,
    cites: tuple[str, ...],
    corrects: str | None,
    as_json: bool,
) -> None:
    """Generate a document (DOCX and PDF/A) from TEMPLATE; prints its id."""
    if (data_file is None) == (not example):
        raise click.UsageError("give exactly one of --data FILE and --example")
    _writable(out)
    documents = _documents(ctx)
    langs = tuple(dict.fromkeys(langs))
    if example:
        data = example_data(documents.catalog.get(template), langs)
    else:
        assert data_file is not None
        data = _load_data(data_file, langs)
    document = documents.generate(
        template, data, actor=_actor(), cites=cites, corrects=corrects, final=final
    )
    stage = "final" if final else "draft"
    _report(document, _write(documents, document, stage, out), as_json)


@click.group("documents")
def documents_group() -> None:
    """Documents issued from templates: show, finalise, void, record adoption."""


@documents_group.command("show")
@click.argument("document_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_template_errors
def show_command(ctx: click.Context, document_id: str, as_json: bool) -> None:
    """Show a document's record, status and history."""
    document = _documents(ctx).registry.document(document_id)
    if as_json:
        echo_json(document)
        return
    click.echo(f"{document['id']}  {document['template']}  {document['status']}")
    click.echo(f"number: {document['number'] or '—'}  date: {document['date'] or '—'}")
    for event in document["history"]:
        click.echo(f"  {event['at']}  {event['kind']}  {event['number'] or ''}  {event['actor']}")


@documents_group.command("list")
@click.option("--template")
@click.option("--status", type=click.Choice(["draft", "final", "void", "adopted", "signed"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_template_errors
def list_command(
    ctx: click.Context, template: str | None, status: str | None, as_json: bool
) -> None:
    """List documents, newest first (those of the issuing bodies the acting user reads)."""
    items = _documents(ctx).registry.list_documents(template=template, status=status)
    principal = ctx.obj.principal()
    items = [i for i in items if principal.can(Action.DOCUMENTS_READ, i["issuer"])]
    if as_json:
        echo_json({"items": items})
        return
    for item in items:
        click.echo(
            f"{item['id']}  {item['template']:26} {item['status']:8} {item['number'] or '—'}"
        )


@documents_group.command("finalise")
@click.argument("document_id")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_template_errors
def finalise_command(ctx: click.Context, document_id: str, out: Path | None, as_json: bool) -> None:
    """Finalise a draft: give it the next registration number of its kind and year."""
    if out is not None:
        _writable(out)
    documents = _documents(ctx)
    document = documents.finalise(document_id, actor=_actor())
    written = _write(documents, document, "final", out) if out else {}
    _report(document, written, as_json)


@documents_group.command("void")
@click.argument("document_id")
@click.option("--reason", required=True, help="Why the document is withdrawn.")
@click.pass_context
@handles_template_errors
def void_command(ctx: click.Context, document_id: str, reason: str) -> None:
    """Withdraw a document: it is recorded as void; its number is never reused."""
    documents = _documents(ctx)
    document = documents.registry.void_document(document_id, reason, _actor(), documents.today())
    click.echo(f"{document['id']} void", err=True)


@documents_group.command("adopt")
@click.argument("document_id")
@click.option("--number", required=True, help="The number the akimat gave it.")
@click.option("--date", "day", type=DATE, required=True)
@click.pass_context
@handles_template_errors
def adopt_command(ctx: click.Context, document_id: str, number: str, day: date) -> None:
    """Record the number and date the akimat gave an unnumbered resolution."""
    document = _documents(ctx).registry.adopt_document(document_id, number, day, _actor())
    click.echo(f"{document['id']} adopted as № {document['number']}", err=True)


COMMANDS = (templates_command, upload_template_command, generate_command, documents_group)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
