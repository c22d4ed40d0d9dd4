"""The registry's slice of the configuration, as a frozen dataclass that rejects unknown keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from registry.errors import Invalid


@dataclass(frozen=True)
class RegistryConfig:
    database_url: str = "sqlite:///var/kense.db"
    data_dir: Path = Path("var")
    #: ISO 3166-2 code used for acts whose citation names no recognised region.
    default_place: str = "kz-kus"

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> RegistryConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise Invalid(
                f"unknown registry setting(s): {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        kwargs: dict[str, object] = dict(values)
        if "data_dir" in kwargs:
            kwargs["data_dir"] = Path(str(kwargs["data_dir"]))
        return cls(**kwargs)  # type: ignore[arg-type]
