"""`kense search`, `kense reindex`, `kense search-check`, `kense search-drain`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from registry.policy import DEFAULT_BODY, Action
from search.errors import InvalidQuery, SearchError
from search.query import parse_query
from search.service import Search

F = TypeVar("F", bound=Callable[..., Any])


def _search(ctx: click.Context) -> Search:
    search: Search = ctx.obj.search()
    return search


def handles_errors(func: F) -> F:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SearchError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2 if isinstance(exc, InvalidQuery) else 1)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


@click.command("search")
@click.argument("query")
@click.option("--lang", type=click.Choice(["kk", "ru"]), default="kk", show_default=True)
@click.option("--at", help="As at this date (YYYY-MM-DD); default: what is in force now.")
@click.option("--type", "types", help="provision, note, act, decision (comma-separated).")
@click.option("--page", default="1", show_default=True)
@click.option("--size", default="10", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def search_command(
    ctx: click.Context,
    query: str,
    lang: str,
    at: str | None,
    types: str | None,
    page: str,
    size: str,
    as_json: bool,
) -> None:
    """Full-text search of acts, provisions, notes and decisions (drafts too, for staff and
    the local operator)."""
    parsed = parse_query(
        {"q": query, "lang": lang, "at": at, "type": types, "page": page, "size": size},
        staff=ctx.obj.principal().can(Action.READ_DRAFTS, DEFAULT_BODY),
    )
    result = _search(ctx).search(parsed)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    for hit in result.hits:
        where = f"{hit.frbr_uri}#{hit.eid}" if hit.eid else hit.frbr_uri
        click.echo(f"{hit.score:7.2f}  {hit.type:<9} {where}\n         {hit.text[:200]}")
    click.echo(f"{result.total} found", err=True)


@click.command("reindex")
@click.pass_context
@handles_errors
def reindex_command(ctx: click.Context) -> None:
    """Rebuild the search index from the registry into a new index, then switch to it."""
    with click.progressbar(length=0, label="indexing", file=sys.stderr) as bar:

        def progress(count: int) -> None:
            bar.update(count - bar.pos)
            bar.label = f"indexing ({count} documents)"

        count = _search(ctx).reindex(progress)
    click.echo(f"reindexed {count} documents", err=True)


@click.command("search-check")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def check_command(ctx: click.Context, as_json: bool) -> None:
    """Compare the registry with the search index (counts and checksums); exit 1 if they differ."""
    report = _search(ctx).check()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(
            f"{report['backend']}: registry {report['registry_documents']} documents, "
            f"index {report['index_documents']}; missing {len(report['missing'])}, "
            f"extra {len(report['extra'])}, differing {len(report['differing'])}"
        )
    if not report["ok"]:
        sys.exit(1)


@click.command("search-drain")
@click.pass_context
@handles_errors
def drain_command(ctx: click.Context) -> None:
    """Index what the registry changed since the last drain (the outbox)."""
    click.echo(f"applied {_search(ctx).drain()} changes", err=True)


COMMANDS = (search_command, reindex_command, check_command, drain_command)


def register(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
