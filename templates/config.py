"""The documents slice of the configuration (KENSE_CONVERTER_*, KENSE_TIMEZONE), frozen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from templates.convert import DEFAULT_PYTHON
from templates.errors import TemplateError


@dataclass(frozen=True)
class DocumentsConfig:
    #: Warm LibreOffice processes (unoserver) converting DOCX to PDF/A; 0 = cold soffice only.
    converter_pool: int = 2
    #: Seconds one conversion may take before its worker is restarted and the job fails.
    converter_timeout: float = 60.0
    #: Debian's python3 (with python3-uno) in the venv `make uno` creates for unoserver.
    uno_python: str = str(DEFAULT_PYTHON)
    soffice: str = "soffice"
    #: Registration numbers and document dates follow the calendar of this zone.
    timezone: str = "Asia/Almaty"
    data_dir: Path = Path("var")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> DocumentsConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise TemplateError(f"unknown documents setting(s): {', '.join(unknown)}")
        kwargs: dict[str, object] = {k: v for k, v in values.items() if v not in (None, "")}
        converters = {"converter_pool": int, "converter_timeout": float, "data_dir": Path}
        for key, kind in converters.items():
            if key in kwargs:
                try:
                    kwargs[key] = kind(str(kwargs[key]))
                except ValueError as exc:
                    raise TemplateError(f"KENSE_{key.upper()}: {exc}") from exc
        return cls(**kwargs)  # type: ignore[arg-type]
