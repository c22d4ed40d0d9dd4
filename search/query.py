"""The search query as a frozen value, validated once at the edge."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from search.errors import InvalidQuery

DOC_TYPES = ("provision", "note", "act", "decision", "document")
DEFAULT_TYPES = ("provision", "note", "decision", "document")
MAX_QUERY = 500
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchQuery:
    text: str
    lang: str = "kk"
    at: date | None = None
    types: tuple[str, ...] = DEFAULT_TYPES
    status: str | None = None
    issuer: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    page: int = 1
    size: int = 10
    #: Staff see drafts; everyone else sees only public documents.
    staff: bool = False
    facets: bool = True
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def parse_query(args: Mapping[str, str | None], *, staff: bool = False) -> SearchQuery:
    """Build a query from request/CLI arguments; every problem is named by its field."""
    errors: dict[str, str] = {}
    text = (args.get("q") or "").strip()
    if not text:
        errors["q"] = "required: the words to look for"
    elif len(text) > MAX_QUERY:
        errors["q"] = f"at most {MAX_QUERY} characters"
    lang = args.get("lang") or "kk"
    if lang not in ("kk", "ru"):
        errors["lang"] = "kk or ru"
    at = _date(args.get("at"), "at", errors)
    types: tuple[str, ...] = DEFAULT_TYPES
    if args.get("type"):
        types = tuple(t.strip() for t in (args.get("type") or "").split(",") if t.strip())
        unknown = [t for t in types if t not in DOC_TYPES]
        if unknown or not types:
            errors["type"] = f"one or more of {', '.join(DOC_TYPES)}"
    year_from = _year(args.get("from"), "from", errors)
    year_to = _year(args.get("to"), "to", errors)
    page = _int(args.get("page"), "page", errors, 1, 1, 1000)
    size = _int(args.get("size"), "size", errors, 10, 1, MAX_PAGE_SIZE)
    status = args.get("status") or None
    if status is not None and status not in ("in_force", "repealed", "draft", "pending"):
        errors["status"] = "in_force, repealed, draft or pending"
    if errors:
        listed = "; ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
        raise InvalidQuery(f"the search is not valid: {listed}", fields=errors)
    return SearchQuery(
        text=text,
        lang=lang,
        at=at,
        types=types,
        status=status,
        issuer=args.get("issuer") or None,
        year_from=year_from,
        year_to=year_to,
        page=page,
        size=size,
        staff=staff,
    )


def _date(value: str | None, name: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = "a date YYYY-MM-DD"
        return None


def _year(value: str | None, name: str, errors: dict[str, str]) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1900 <= int(value) <= 2100:
        errors[name] = "a year such as 2023"
        return None
    return int(value)


def _int(
    value: str | None, name: str, errors: dict[str, str], default: int, low: int, high: int
) -> int:
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        errors[name] = f"a whole number from {low} to {high}"
        return default
    return int(value)
