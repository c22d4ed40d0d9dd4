"""FRBR URIs of works and expressions, following the Akoma Ntoso naming convention.

Work: ``/akn/kz-kus/act/resolution/2021-11-12/514``; expression:
``/akn/kz-kus/act/resolution/2021-11-12/514/kaz@2023-10-17``. The locality is the ISO 3166-2 code of
the region (``kz-kus`` is Kostanay region); acts of the republic use ``kz`` alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from registry.errors import InvalidUri

_WORK = re.compile(
    r"^/akn/(?P<place>[a-z]{2}(?:-[a-z0-9]{1,3})?)/(?P<doctype>act)/(?P<subtype>[a-z][a-z-]*)"
    r"/(?P<date>\d{4}-\d{2}-\d{2})/(?P<number>[A-Za-z0-9][A-Za-z0-9._-]*)"
    r"(?:/(?P<lang>[a-z]{3})(?:@(?P<at>\d{4}-\d{2}-\d{2})?)?)?/?$"
)
_NUMBER_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, order=True)
class FrbrUri:
    place: str
    subtype: str
    date: dt.date
    number: str
    doctype: str = "act"

    @classmethod
    def parse(cls, value: str) -> FrbrUri:
        """Parse a work or expression URI; the expression part is ignored."""
        m = _WORK.match(value.strip())
        if not m:
            raise InvalidUri(
                f"{value!r} is not an Akoma Ntoso work URI such as "
                "/akn/kz-kus/act/resolution/2021-11-12/514",
                fields={"frbr_uri": "not an AKN work URI"},
            )
        try:
            day = dt.date.fromisoformat(m["date"])
        except ValueError as exc:
            raise InvalidUri(
                f"{value!r} has an impossible date {m['date']}", fields={"frbr_uri": str(exc)}
            ) from exc
        return cls(m["place"], m["subtype"], day, m["number"], m["doctype"])

    @classmethod
    def for_act(cls, place: str, subtype: str, day: dt.date, number: str) -> FrbrUri:
        """Build the URI of an act from its citation; "1007/15" becomes "1007-15"."""
        safe = _NUMBER_UNSAFE.sub("-", number.strip()).strip("-") or "nn"
        return cls(place, subtype, day, safe)

    @property
    def country(self) -> str:
        return self.place.split("-")[0]

    @property
    def locality(self) -> str | None:
        parts = self.place.split("-", 1)
        return parts[1] if len(parts) == 2 else None

    @property
    def work(self) -> str:
        return (
            f"/akn/{self.place}/{self.doctype}/{self.subtype}/{self.date.isoformat()}/{self.number}"
        )

    def expression(self, lang: str, at: dt.date) -> str:
        from registry.model import AKN_LANG

        return f"{self.work}/{AKN_LANG.get(lang, lang)}@{at.isoformat()}"

    def __str__(self) -> str:
        return self.work
