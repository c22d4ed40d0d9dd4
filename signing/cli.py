"""`kense sign` and `kense verify`. Data goes to stdout, messages to stderr."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from registry.audit import current_actor
from registry.cli import DATE, handles_errors
from signing.errors import SigningError
from signing.keys import MAX_KEY_FILE
from signing.workflows import MAX_VERIFY_BYTES, Signatures


def _signatures(ctx: click.Context) -> Signatures:
    signatures: Signatures = ctx.obj.signatures()
    return signatures


def _fail(exc: SigningError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    for name, problem in exc.fields.items():
        click.echo(f"  {name}: {problem}", err=True)
    sys.exit(2)


def _key_password(from_stdin: bool) -> str:
    """The key's password: the first line of stdin (scripts), or typed at a prompt."""
    if from_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    typed: str = click.prompt("Key password", hide_input=True, err=True)
    return typed


def _read(path: Path, limit: int) -> bytes:
    with open(path, "rb") as source:
        data = source.read(limit + 1)
    if len(data) > limit:
        _fail(SigningError(f"{path} is too large", fields={"file": f"at most {limit} bytes"}))
    return data


@click.command("sign")
@click.argument("document_id")
@click.option("--key", "key_path", required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--password-stdin", is_flag=True, help="Read the key's password from stdin.")
@click.option("--position", help="The signer's position (default: the document's signatory).")
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help='Print {"xml": path, "pdf": path}.')
@click.pass_context
@handles_errors
def sign_command(
    ctx: click.Context,
    document_id: str,
    key_path: Path,
    password_stdin: bool,
    position: str | None,
    out: Path,
    as_json: bool,
) -> None:
    """Sign a finalised document with a PKCS#12 key; write the signed XML and PDF to OUT."""
    password = _key_password(password_stdin)
    signatures = _signatures(ctx)
    document = signatures.registry.document(document_id)
    if not position:
        data = document["data"].get(document["languages"][0], {})
        position = str((data.get("signatory") or {}).get("position") or "")
    if not position:
        _fail(SigningError("give --position: the document names no signatory", fields={}))
    try:
        signed = signatures.sign(
            document_id,
            _read(key_path, MAX_KEY_FILE),
            password,
            position=position,
            actor=current_actor(),
        )
    except SigningError as exc:
        _fail(exc)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Any] = {"pdfs": {}}
    for item in signed["files"]:
        if item["stage"] != "signed":
            continue
        data, _ = signatures.registry.document_file(
            document_id, "signed", item["lang"], item["format"]
        )
        path = out / f"{document_id}.signed.{item['lang']}.{item['format']}"
        path.write_bytes(data)
        if item["format"] == "xml":
            paths["xml"] = str(path)
        else:
            paths["pdfs"][item["lang"]] = str(path)
            paths.setdefault("pdf", str(path))
    if as_json:
        click.echo(json.dumps(paths, ensure_ascii=False))
    else:
        for key in ("xml", "pdf"):
            click.echo(paths[key])
    click.echo(f"signed {document_id}", err=True)


@click.command("verify")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@handles_errors
def verify_command(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Verify a signed XML or PDF; exit 0 only when the indication is TOTAL-PASSED."""
    try:
        report = _signatures(ctx).verify(_read(file, MAX_VERIFY_BYTES))
    except SigningError as exc:
        _fail(exc)
    body = report.to_dict()
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        sub = f" / {body['sub_indication']}" if body["sub_indication"] else ""
        click.echo(f"{body['indication']}{sub}  ({body['format']})")
        if body["signer"]:
            click.echo(f"signer: {body['signer']['name']} ({body['signer']['serial']})")
        if body["signing_time"]:
            click.echo(f"signing time: {body['signing_time']}")
        click.echo(f"revocation: {body['revocation']}")
        for message in body["messages"]:
            click.echo(f"  {message}")
    if not report.passed:
        sys.exit(1)


@click.command("sign-act")
@click.argument("uri")
@click.option("--at", "day", type=DATE, help="The version in force on this day (default today).")
@click.option("--lang", type=click.Choice(["kk", "ru"]), default="kk", show_default=True)
@click.option("--key", "key_path", required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--password-stdin", is_flag=True, help="Read the key's password from stdin.")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
@handles_errors
def sign_act_command(
    ctx: click.Context,
    uri: str,
    day: date | None,
    lang: str,
    key_path: Path,
    password_stdin: bool,
    out: Path,
) -> None:
    """Sign an act version's Akoma Ntoso (its canonical XML record) into OUT."""
    password = _key_password(password_stdin)
    try:
        signed = _signatures(ctx).sign_act(
            uri,
            lang,
            day or date.today(),
            _read(key_path, MAX_KEY_FILE),
            password,
            actor=current_actor(),
        )
    except SigningError as exc:
        _fail(exc)
    out.write_bytes(signed)
    click.echo(str(out))


COMMANDS = (sign_command, sign_act_command, verify_command)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
