"""`kense` commands of the registry. Data goes to stdout, messages and logs to stderr."""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import DBAPIError

from registry.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ParseError,
    RegistryError,
    Unauthenticated,
)
from registry.formats import FORMATS, act_akn, act_json, act_text
from registry.policy import BODIES, DEFAULT_BODY, ROLES, Action, authorize_bodies
from registry.service import Registry, database_problem

F = TypeVar("F", bound=Callable[..., Any])

EXIT = {Invalid: 2, NotFound: 3, Conflict: 4, Forbidden: 5, Unauthenticated: 5}


class _Date(click.ParamType[date, object]):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date YYYY-MM-DD", param, ctx)


DATE = _Date()
LANG = click.Choice(["kk", "ru"])


def _registry(ctx: click.Context) -> Registry:
    registry: Registry = ctx.obj.registry()
    return registry


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def fail(exc: RegistryError) -> None:
    """Report on stderr; exit 2 when invalid, 3 when not found, 4 on a conflict, 5 when the
    acting user may not do it."""
    message = exc.message if isinstance(exc, ParseError) else f"error: {exc.message}"
    click.echo(message, err=True)
    sys.exit(next((code for cls, code in EXIT.items() if isinstance(exc, cls)), 1))


def handles_errors(func: F) -> F:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RegistryError as exc:
            fail(exc)
        except DBAPIError as exc:
            click.echo(f"error: {database_problem(exc)}", err=True)
            sys.exit(1)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


@click.command("init")
@click.pass_context
@handles_errors
def init_command(ctx: click.Context) -> None:
    """Create or migrate the database and load the bundled acts (safe to run again)."""
    registry = _registry(ctx)
    registry.migrate()
    loaded = registry.load_seed()
    for uri in loaded:
        click.echo(f"loaded {uri}", err=True)
    if not loaded:
        click.echo("database up to date; bundled acts already loaded", err=True)


@click.command("acts")
@click.option("--number", help="Only acts with this number (e.g. 514).")
@click.option("--date", "day", type=DATE, help="Only acts of this date.")
@click.option("--type", "subtype", help="Only acts of this type (resolution, order, …).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def acts_command(
    ctx: click.Context, number: str | None, day: date | None, subtype: str | None, as_json: bool
) -> None:
    """List the works in the registry."""
    drafts = ctx.obj.principal().can(Action.READ_DRAFTS, DEFAULT_BODY)
    items = _registry(ctx).list_works(number=number, day=day, subtype=subtype, drafts=drafts)
    if as_json:
        echo_json({"items": items, "total": len(items)})
        return
    for item in items:
        title = item["title"].get("kk") or item["title"].get("ru") or "(text not held)"
        click.echo(f"{item['frbr_uri']}\t{','.join(item['languages']) or '-'}\t{title}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", type=LANG, help="Language of the text (required for official text).")
@click.option("--work", "work", help="Attach as a language expression of this work URI.")
@click.pass_context
@handles_errors
def import_command(ctx: click.Context, file: Path, lang: str | None, work: str | None) -> None:
    """Import an act in the official text format (or Akoma Ntoso XML); prints the work URI."""
    data = file.read_bytes()
    registry = _registry(ctx)
    if data.lstrip()[:1] == b"<":
        result = registry.import_akn(data, work)
    else:
        if lang is None:
            raise click.UsageError("--lang kk|ru is required for an official text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Invalid(f"{file} is not UTF-8 text (byte {exc.start})") from exc
        result = registry.import_text(text, lang, work)
    how = "attached to" if result.attached else "imported as"
    note = " (date assumed: first publication not in the source)" if result.date_assumed else ""
    click.echo(
        f"{result.lang} text {how} {result.uri.work}, in force from "
        f"{result.valid_from.isoformat()}{note}",
        err=True,
    )
    click.echo(result.uri.work)


@click.command("show")
@click.argument("uri")
@click.option("--at", type=DATE, help="As it stood on this date (default: today).")
@click.option("--lang", type=LANG, default="kk", show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.pass_context
@handles_errors
def show_command(ctx: click.Context, uri: str, at: date | None, lang: str, fmt: str) -> None:
    """Print an act as it stood on a date."""
    registry = _registry(ctx)
    registry.require_visible(uri, drafts=ctx.obj.principal().can(Action.READ_DRAFTS, DEFAULT_BODY))
    view = registry.act_at(uri, lang, at or date.today())
    for gap in view.gaps:
        click.echo(f"note: {gap.message}", err=True)
    if fmt == "json":
        echo_json(act_json(view))
    elif fmt == "akn":
        sys.stdout.buffer.write(act_akn(view, registry.work_info(uri)))
    elif fmt == "html":
        from registry.html import act_document

        click.echo(act_document(view))
    else:
        click.echo(act_text(view), nl=False)


@click.command("versions")
@click.argument("uri")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def versions_command(ctx: click.Context, uri: str, as_json: bool) -> None:
    """List the points in time at which an act's text changed, and pending changes."""
    data = _registry(ctx).versions(
        uri, drafts=ctx.obj.principal().can(Action.READ_DRAFTS, DEFAULT_BODY)
    )
    if as_json:
        echo_json(data)
        return
    for v in data["versions"]:
        by = ", ".join(f"{a['type']} № {a['number']} of {a['date']}" for a in v["amended_by"])
        flag = " (date assumed)" if v["date_assumed"] else ""
        until = v["valid_to"] or "…"
        click.echo(f"{v['date']} – {until}{flag}\t{','.join(v['languages'])}\t{by or 'original'}")
    for p in data["pending"]:
        a = p["amended_by"]
        click.echo(f"pending ({p['rule']})\t{a['type']} № {a['number']} of {a['date']}")


@click.command("diff")
@click.argument("uri")
@click.option("--from", "old", type=DATE, required=True)
@click.option("--to", "new", type=DATE, required=True)
@click.option("--lang", type=LANG, default="kk", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def diff_command(
    ctx: click.Context, uri: str, old: date, new: date, lang: str, as_json: bool
) -> None:
    """Show what changed in an act between two dates."""
    data = _registry(ctx).diff(uri, lang, old, new)
    if as_json:
        echo_json(data)
        return
    for change in data["changes"]:
        click.echo(f"{change['kind']}: {change['eid']}")
        for seg in change.get("words", []):
            mark = {"insert": "{+", "delete": "[-"}.get(seg["op"])
            close = {"insert": "+}", "delete": "-]"}.get(seg["op"])
            click.echo(f"{mark}{seg['text']}{close}" if mark else seg["text"], nl=False)
        click.echo()
    s = data["summary"]
    click.echo(f"{s['changed']} changed, {s['added']} added, {s['removed']} removed", err=True)


@click.command("amend")
@click.argument("uri")
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The amendment as JSON.",
)
@click.pass_context
@handles_errors
def amend_command(ctx: click.Context, uri: str, file: Path) -> None:
    """Enter an amendment of an act from a JSON file."""
    try:
        data = json.loads(file.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(f"{file} is not valid UTF-8 JSON: {exc}") from exc
    echo_json(_registry(ctx).amend(uri, data))


@click.command("publish")
@click.argument("uri")
@click.option("--date", "day", type=DATE, required=True, help="Date of first official publication.")
@click.pass_context
@handles_errors
def publish_command(ctx: click.Context, uri: str, day: date) -> None:
    """Record the first official publication of an act (brings its pending effects into force)."""
    echo_json(_registry(ctx).publish(uri, day))


@click.command("event")
@click.argument("uri")
@click.argument(
    "kind", type=click.Choice(["adopted", "submitted", "registered", "in_force", "repealed"])
)
@click.option("--date", "day", type=DATE, required=True, help="Date of the event.")
@click.option("--number", help="Registration number (with registered).")
@click.pass_context
@handles_errors
def event_command(ctx: click.Context, uri: str, kind: str, day: date, number: str | None) -> None:
    """Record a lifecycle event of an act (adoption of a draft, submission, registration, …)."""
    detail = {"number": number} if number else None
    echo_json(_registry(ctx).record_event(uri, kind, day, detail))


@click.command("history")
@click.argument("uri")
@click.argument("eid")
@click.option("--lang", type=LANG, default="kk", show_default=True)
@click.pass_context
@handles_errors
def history_command(ctx: click.Context, uri: str, eid: str, lang: str) -> None:
    """Print every version of one provision (JSON)."""
    echo_json({"eid": eid, "versions": _registry(ctx).provision_history(uri, lang, eid)})


@click.group("decisions")
def decisions_group() -> None:
    """Decisions uploaded as files (PDF or DOCX): add one, list them."""


@decisions_group.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--issuer", required=True, help="Who issued it (e.g. Қостанай облысы әкімдігі).")
@click.option("--number", required=True, help="The decision's number as printed.")
@click.option("--date", "day", required=True, help="Date of the decision, YYYY-MM-DD.")
@click.option("--title", required=True, help="The decision's title in --lang.")
@click.option("--type", "act_type", default="decision", show_default=True, help="Type of act.")
@click.option("--lang", type=LANG, default="kk", show_default=True, help="Language of the file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def decisions_add_command(
    ctx: click.Context,
    file: Path,
    issuer: str,
    number: str,
    day: str,
    title: str,
    act_type: str,
    lang: str,
    as_json: bool,
) -> None:
    """Upload a decision file with its citation and title; prints the work URI."""
    from registry.decisions import parse_metadata
    from registry.extract import MAX_FILE_BYTES

    act, checked_title, checked_lang = parse_metadata(
        {
            "issuer": issuer,
            "number": number,
            "date": day,
            "title": title,
            "type": act_type,
            "lang": lang,
        }
    )
    if file.stat().st_size > MAX_FILE_BYTES:
        raise Invalid(
            f"{file} is {file.stat().st_size} bytes; at most {MAX_FILE_BYTES} are accepted",
            fields={"file": "too large"},
        )
    result = _registry(ctx).add_decision(
        file.read_bytes(), file.name, lang=checked_lang, act=act, title=checked_title
    )
    if as_json:
        echo_json(result)
        return
    how = "added as" if result["created"] else "attached to"
    what = f"{result['filename']} ({result['media_type']})"
    click.echo(f"{what} {how} {result['frbr_uri']}", err=True)
    click.echo(result["frbr_uri"])


@decisions_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def decisions_list_command(ctx: click.Context, as_json: bool) -> None:
    """List the acts that have uploaded files, with their files."""
    registry = _registry(ctx)
    items = []
    for work in registry.list_works():
        info = registry.work_info(work["frbr_uri"])
        if info["files"]:
            keys = ("frbr_uri", "type", "number", "date", "issuer", "title", "files")
            items.append({k: info[k] for k in keys})
    if as_json:
        echo_json({"items": items, "total": len(items)})
        return
    for item in items:
        for f in item["files"]:
            title = item["title"].get(f["lang"]) or next(iter(item["title"].values()), "")
            click.echo(f"{item['frbr_uri']}\t{f['lang']}\t{f['filename']}\t{f['sha256']}\t{title}")


@click.group("audit")
def audit_group() -> None:
    """The audit trail: every state change, hash-chained."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def audit_verify_command(ctx: click.Context, as_json: bool) -> None:
    """Check the whole chain; exit 1 naming the first entry edited, removed or moved."""
    verdict = _registry(ctx).audit_verify()
    if as_json:
        echo_json(verdict.to_dict())
    elif verdict.ok:
        click.echo(f"ok: {verdict.entries} entries, head {verdict.head}")
    if not verdict.ok:
        click.echo(f"error: the audit trail is broken at {verdict.problem}", err=True)
        sys.exit(1)


@audit_group.command("list")
@click.option("--action", help="An action or its family: document.finalise, document, login.")
@click.option("--actor", help="Only entries by this actor, e.g. user:aigerim or local:root.")
@click.option("--subject", help="Only entries about this subject (a URI, document id, username).")
@click.option("--since", type=DATE, help="From this day (UTC), included.")
@click.option("--until", type=DATE, help="To this day (UTC), included.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def audit_list_command(
    ctx: click.Context,
    action: str | None,
    actor: str | None,
    subject: str | None,
    since: date | None,
    until: date | None,
    limit: int,
    as_json: bool,
) -> None:
    """The newest entries first."""
    items = _registry(ctx).audit_entries(
        action=action, actor=actor, subject=subject, since=since, until=until, limit=limit
    )
    if as_json:
        echo_json({"items": items})
        return
    for item in items:
        click.echo(
            f"{item['seq']:>6} {item['at']} {item['actor']:24} {item['action']:18} "
            f"{item['subject']}"
        )


def _admin_of(ctx: click.Context, bodies: set[str]) -> None:
    """Accounts are managed per issuing body (the local operator manages all)."""
    authorize_bodies(ctx.obj.principal(), Action.USERS, bodies or {DEFAULT_BODY})


def _bodies_of(ctx: click.Context, username: str) -> set[str]:
    return {g["body"] for g in _registry(ctx).user(username)["roles"]}


ROLE = click.Choice(list(ROLES))
BODY = click.Choice(list(BODIES))


def _password(prompt: bool, from_stdin: bool) -> str:
    """From the first line of stdin (scripts) or typed twice at a prompt (never an argument)."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    if not prompt:
        raise click.UsageError("give --password-stdin or run in a terminal")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    return value


def _role_options(command: F) -> F:
    """USERNAME --role … [--body …] [--json]: what granting and revoking take."""
    for option in reversed(
        [
            click.argument("username"),
            click.option(
                "--role", "roles", type=ROLE, multiple=True, required=True, help="Repeatable."
            ),
            click.option("--body", type=BODY, default=DEFAULT_BODY, show_default=True),
            click.option("--json", "as_json", is_flag=True, help="Print JSON."),
        ]
    ):
        command = option(command)
    return command


@click.group("users")
def users_group() -> None:
    """Accounts: add users, set passwords, grant and revoke roles per issuing body."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", "roles", type=ROLE, multiple=True, required=True, help="Repeatable.")
@click.option("--body", type=BODY, default=DEFAULT_BODY, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def users_add_command(
    ctx: click.Context,
    username: str,
    roles: tuple[str, ...],
    body: str,
    password_stdin: bool,
    as_json: bool,
) -> None:
    """Create a user with one or more roles in an issuing body."""
    _admin_of(ctx, {body})
    password = _password(sys.stdin.isatty(), password_stdin)
    user = _registry(ctx).add_user(username, password, [(body, role) for role in roles])
    _print_user(user, as_json)


@users_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
@handles_errors
def users_passwd_command(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Set a user's password; ends the user's open sessions and lifts a lock-out."""
    _admin_of(ctx, _bodies_of(ctx, username))
    _registry(ctx).set_password(username, _password(sys.stdin.isatty(), password_stdin))
    click.echo(f"password of {username} changed", err=True)


@users_group.command("grant")
@_role_options
@click.pass_context
@handles_errors
def users_grant_command(
    ctx: click.Context, username: str, roles: tuple[str, ...], body: str, as_json: bool
) -> None:
    """Give a user roles in an issuing body."""
    _admin_of(ctx, {body})
    user = _registry(ctx).change_roles(username, [(body, r) for r in roles], [])
    _print_user(user, as_json)


@users_group.command("revoke")
@_role_options
@click.pass_context
@handles_errors
def users_revoke_command(
    ctx: click.Context, username: str, roles: tuple[str, ...], body: str, as_json: bool
) -> None:
    """Take roles in an issuing body from a user (their sessions end)."""
    _admin_of(ctx, {body})
    user = _registry(ctx).change_roles(username, [], [(body, r) for r in roles])
    _print_user(user, as_json)


@users_group.command("disable")
@click.argument("username")
@click.pass_context
@handles_errors
def users_disable_command(ctx: click.Context, username: str) -> None:
    """Stop a user from signing in; their sessions and tokens stop working at once."""
    _admin_of(ctx, _bodies_of(ctx, username))
    _print_user(_registry(ctx).set_disabled(username, True), False)


@users_group.command("enable")
@click.argument("username")
@click.pass_context
@handles_errors
def users_enable_command(ctx: click.Context, username: str) -> None:
    """Let a disabled or locked-out user sign in again."""
    _admin_of(ctx, _bodies_of(ctx, username))
    _print_user(_registry(ctx).set_disabled(username, False), False)


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def users_list_command(ctx: click.Context, as_json: bool) -> None:
    """The users, their roles and status."""
    items = _registry(ctx).users()
    if as_json:
        echo_json({"items": items})
        return
    for user in items:
        _print_user(user, False)


@users_group.command("first-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.pass_context
@handles_errors
def users_first_admin_command(ctx: click.Context, username: str, password_file: Path) -> None:
    """Create the first administrator with a random password written to PASSWORD_FILE (mode
    600), unless an administrator exists; prints how to sign in (what `make run` does)."""
    password = secrets.token_urlsafe(18)
    if not _registry(ctx).first_administrator(username, password):
        click.echo("an administrator exists already; sign in at /login", err=True)
        return
    password_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode otherwise
    with os.fdopen(fd, "w") as out:
        out.write(password + "\n")
    click.echo(
        f"created the administrator {username!r}; sign in at /login with the password in "
        f"{password_file}, then add users with `kense users add`",
        err=True,
    )


def _print_user(user: dict[str, Any], as_json: bool) -> None:
    if as_json:
        echo_json(user)
        return
    roles = ", ".join(f"{g['role']}@{g['body']}" for g in user["roles"]) or "(no roles)"
    state = " [disabled]" if user["disabled"] else ""
    state += f" [locked until {user['locked_until']}]" if user["locked_until"] else ""
    click.echo(f"{user['username']}\t{roles}{state}")


@click.group("tokens")
def tokens_group() -> None:
    """API tokens for integrations (sent as 'Authorization: Bearer <token>')."""


@tokens_group.command("create")
@click.argument("username")
@click.option(
    "--role", "roles", type=ROLE, multiple=True, help="Limit the token to these roles (repeatable)."
)
@click.option("--body", type=BODY, default=DEFAULT_BODY, show_default=True)
@click.option("--label", default="", help="What the token is for.")
@click.option("--expires-days", type=click.IntRange(1, 3650), help="Expire after N days.")
@click.pass_context
@handles_errors
def tokens_create_command(
    ctx: click.Context,
    username: str,
    roles: tuple[str, ...],
    body: str,
    label: str,
    expires_days: int | None,
) -> None:
    """Create a token for USERNAME and print only the token (it is not shown again)."""
    scopes = [(body, r) for r in roles] if roles else None
    _admin_of(ctx, {body} if roles else _bodies_of(ctx, username))
    expires = timedelta(days=expires_days) if expires_days else None
    token = _registry(ctx).create_token(username, scopes, label, expires)
    click.echo(token.secret)
    click.echo(f"token {token.id} for {username}", err=True)


@tokens_group.command("list")
@click.argument("username", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def tokens_list_command(ctx: click.Context, username: str | None, as_json: bool) -> None:
    """The tokens (never their secrets), of one user or of all."""
    items = _registry(ctx).tokens(username)
    if as_json:
        echo_json({"items": items})
        return
    for t in items:
        scopes = ", ".join(f"{g['role']}@{g['body']}" for g in t["scopes"])
        state = "active" if t["active"] else ("revoked" if t["revoked_at"] else "expired")
        click.echo(f"{t['id']}\t{t['username']}\t{state}\t{scopes}\t{t['label']}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
@handles_errors
def tokens_revoke_command(ctx: click.Context, token_id: int) -> None:
    """Revoke a token: it stops working at once."""
    bodies = _registry(ctx).token_bodies(token_id)
    if bodies is not None:
        _admin_of(ctx, bodies)
    _registry(ctx).revoke_token(token_id)
    click.echo(f"token {token_id} revoked", err=True)


@click.command("backup")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
@handles_errors
def backup_command(ctx: click.Context, file: Path) -> None:
    """Write a consistent archive of the database and the stored files to FILE (.tar.gz)."""
    partial = file.with_name(f".{file.name}.partial")
    try:
        with open(partial, "wb") as out:
            manifest = _registry(ctx).backup(out, lambda m: click.echo(m, err=True))
        partial.replace(file)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise click.FileError(str(file), hint=exc.strerror or str(exc)) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"wrote {file}: {rows} rows, {manifest['files']} files", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.pass_context
@handles_errors
def restore_command(ctx: click.Context, file: Path) -> None:
    """Restore FILE (from `kense backup`) into an empty database; then run `kense reindex`."""
    with open(file, "rb") as source:
        manifest = _registry(ctx).restore(source, lambda m: click.echo(m, err=True))
    click.echo(
        f"restored {file} (revision {manifest['revision']}); run `kense reindex` for search",
        err=True,
    )


COMMANDS = (
    init_command,
    acts_command,
    import_command,
    show_command,
    versions_command,
    diff_command,
    amend_command,
    publish_command,
    event_command,
    history_command,
    decisions_group,
    audit_group,
    users_group,
    tokens_group,
    backup_command,
    restore_command,
)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
