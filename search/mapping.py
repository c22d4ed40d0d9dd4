"""The Elasticsearch index, declared in code: mapping, index template, versioned names, alias.

Documents live in versioned indices ``<prefix>-search-v<UTC timestamp>``; readers and writers only
ever use the alias ``<prefix>-search``, which a rebuild moves atomically to a fresh index. The
composable index template ``<prefix>-search`` gives every versioned index its settings and this
strict mapping, so an index is never created with a guessed (dynamic) mapping.

Only built-in analysers of the server core are used (no analysis-common, no language plugins):
``terms`` and ``grams`` hold tokens already produced in Python by search.analysis/search.grams,
separated by spaces, so the ``whitespace`` analyser reads them back unchanged, exactly as the
FTS5 backend's tokenizer does. ``text``/``title``/``heading`` are only shown, never matched.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

#: Bumped whenever the mapping or settings change (a rebuild is then needed to apply them).
MAPPING_VERSION = 1

_KEYWORDS = (
    "id", "type", "frbr_uri", "lang", "eid", "num", "node_type", "act_type", "act_number",
    "issuer", "status", "digest",
)  # fmt: skip
_DATES = ("act_date", "valid_from", "valid_to")
_DISPLAY = ("text", "title", "heading")
_TOKENS = ("terms", "grams")


def _properties() -> dict[str, Any]:
    props: dict[str, Any] = {name: {"type": "keyword"} for name in _KEYWORDS}
    props["public"] = {"type": "boolean"}
    props.update({name: {"type": "date", "format": "strict_date"} for name in _DATES})
    props["year"] = {"type": "integer"}
    # Display only: matching is done on terms/grams, so these are kept in _source, not indexed.
    props.update({name: {"type": "text", "index": False} for name in _DISPLAY})
    # No positions: there are no phrase queries; term frequencies and norms feed BM25.
    props.update(
        {
            name: {
                "type": "text",
                "analyzer": "whitespace",
                "similarity": "BM25",
                "index_options": "freqs",
            }
            for name in _TOKENS
        }
    )
    return dict(sorted(props.items()))


MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"kense_mapping_version": MAPPING_VERSION},
    "properties": _properties(),
}

#: Deepest page the API allows (1000 pages of 100), as the FTS backend serves it.
MAX_RESULT_WINDOW = 100_000


def alias_name(prefix: str) -> str:
    return f"{prefix}-search"


def template_name(prefix: str) -> str:
    return f"{prefix}-search"


def index_pattern(prefix: str) -> str:
    """Every versioned index of this prefix (and nothing else: the ``-v`` is part of it)."""
    return f"{prefix}-search-v*"


def index_name(prefix: str, when: datetime | None = None) -> str:
    """``<prefix>-search-v<UTC timestamp>``; the names sort in creation order."""
    moment = (when or datetime.now(UTC)).astimezone(UTC)
    return f"{prefix}-search-v{moment:%Y%m%d%H%M%S%f}"


#: The first index ensure() creates: a fixed name, so concurrent ensure() calls from several
#: processes collide on resource_already_exists instead of creating two indices under one alias.
def bootstrap_index_name(prefix: str) -> str:
    return index_name(prefix, datetime(1970, 1, 1, tzinfo=UTC))


def settings(replicas: int = 0) -> dict[str, Any]:
    return {
        "index": {
            "number_of_shards": 1,
            "number_of_replicas": replicas,
            "max_result_window": MAX_RESULT_WINDOW,
        }
    }


def index_template(prefix: str, replicas: int = 0) -> dict[str, Any]:
    """Body of ``PUT _index_template/<prefix>-search``."""
    return {
        "index_patterns": [index_pattern(prefix)],
        "priority": 200,
        "version": MAPPING_VERSION,
        "_meta": {"description": "Kense search documents (search/mapping.py)"},
        "template": {"settings": settings(replicas), "mappings": MAPPING},
    }
