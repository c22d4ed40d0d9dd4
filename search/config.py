"""The search slice of the configuration (KENSE_SEARCH_*), as a frozen dataclass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from search.errors import InvalidQuery


@dataclass(frozen=True)
class SearchConfig:
    #: Unset: the embedded SQLite FTS5 index in data_dir/search.db; else an Elasticsearch URL.
    url: str | None = None
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_certs: str | None = None
    index_prefix: str = "kense"
    replicas: int = 0
    timeout: float = 5.0
    data_dir: Path = Path("var")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> SearchConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidQuery(f"unknown search setting(s): {', '.join(unknown)}")
        kwargs = {k: v for k, v in values.items() if v not in (None, "")}
        if "data_dir" in kwargs:
            kwargs["data_dir"] = Path(str(kwargs["data_dir"]))
        for key, kind in (("replicas", int), ("timeout", float)):
            if key in kwargs:
                kwargs[key] = kind(str(kwargs[key]))
        return cls(**kwargs)  # type: ignore[arg-type]
