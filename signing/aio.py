"""Running pyHanko's coroutines from synchronous code, whatever the calling thread runs.

``asyncio.run`` refuses to start when the thread already runs an event loop (an async server,
or Playwright's sync API in the same thread); then the coroutine runs on a loop of its own in a
short-lived worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kense-aio") as pool:
        return pool.submit(asyncio.run, coroutine).result()
