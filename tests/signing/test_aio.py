"""Signing and verifying work from a thread that already runs an event loop (Playwright's sync
API in the test process, an async server in production)."""

from __future__ import annotations

import asyncio

from signing import aio
from signing.keys import load_pkcs12
from signing.report import Indication
from signing.trust import Trust, check_chain
from tests.signing.pki import PASSWORD, Pki


def test_a_coroutine_runs_with_or_without_a_running_loop() -> None:
    assert aio.run(asyncio.sleep(0, result=1)) == 1

    async def inside() -> int:
        return aio.run(asyncio.sleep(0, result=2))

    assert aio.run(inside()) == 2  # the test process may run Playwright's loop


def test_a_chain_is_checked_from_inside_a_running_loop(pki: Pki, trust: Trust) -> None:
    key = load_pkcs12(pki.director.pkcs12(), PASSWORD)

    async def inside() -> Indication:
        return check_chain(key.certificate, key.chain, trust).indication

    assert aio.run(inside()) == Indication.TOTAL_PASSED
