"""Benchmark of document generation: our whole path against raw unoserver and cold soffice.

    python -m bench.generation      (--help lists the options)

Needs LibreOffice and the unoserver venv (`make uno`). Per document, for the director's order
and the kandas certificate with their example data (kk):

1. ours: ``render_docx`` (sandboxed docxtpl) + ``UnoPool.to_pdf`` (PDF/A-2b) + ``add_metadata``
   (XMP with the PDF/A extension schema), against the raw unoserver client
   (``UnoClient.convert`` with the same PDF/A filter options) converting the already rendered
   DOCX on the same warm worker; interleaved. Goal: ours <= 1.3x raw.
2. cold ``soffice --convert-to`` of the same DOCX (a fresh profile each time): goal >= 5x slower
   than ours, i.e. the warm pool is worth having.
3. Documents per minute through the pool (two workers) from four threads.

The table goes to stdout, progress to stderr, every figure to bench/results/generation.json.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from bench.registry import environment, progress, summary, write_results
from templates import pdf
from templates.catalog import Catalog
from templates.convert import DEFAULT_PYTHON, PDFA_OPTIONS, ColdConverter, UnoPool
from templates.engine import render_docx

RESULTS = Path(__file__).resolve().parent / "results" / "generation.json"
TEMPLATES = ("order", "kandas-certificate")
ROUNDS, COLD_RUNS, THROUGHPUT_DOCS, THREADS = 15, 3, 40, 4
GOAL_RAW, GOAL_COLD = 1.3, 5.0
Json = dict[str, Any]


def context(template_id: str) -> tuple[bytes, dict[str, Any]]:
    template = Catalog().get(template_id)
    doc = {"number": "17", "date": "2026-11-25", "draft": False, "issuer": "Басқарма"}
    return template.docx("kk"), template.example("kk") | {"doc": doc}


def ours(pool: UnoPool, template: bytes, data: dict[str, Any]) -> bytes:
    docx = render_docx(template, data, "kk")
    return pdf.add_metadata(
        pool.to_pdf(docx),
        title="bench",
        lang="kk",
        kind="order",
        number="17",
        date="2026-11-25",
        identifier="bench",
        docx_sha256=hashlib.sha256(docx).hexdigest(),
    )


def raw_client(port: int) -> Callable[[bytes], bytes]:
    from unoserver.client import UnoClient  # type: ignore[import-untyped]

    client = UnoClient(server="127.0.0.1", port=str(port))

    def convert(docx: bytes) -> bytes:
        result = client.convert(indata=docx, convert_to="pdf", filter_options=list(PDFA_OPTIONS))
        assert isinstance(result, bytes) and result.startswith(b"%PDF")
        return result

    return convert


def timed(call: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    call()
    return time.perf_counter_ns() - start


def bench_latency(pool: UnoPool, rounds: int) -> Json:
    port = pool.worker_ports()[0]
    raw = raw_client(port)
    out: Json = {}
    for template_id in TEMPLATES:
        template, data = context(template_id)
        docx = render_docx(template, data, "kk")
        for _ in range(2):  # warm-up: LibreOffice loads fonts and filters on first use
            ours(pool, template, data)
            raw(docx)
        mine: list[int] = []
        theirs: list[int] = []
        ours_call = partial(ours, pool, template, data)
        raw_call = partial(raw, docx)
        for i in range(rounds):
            pair = [(mine, ours_call), (theirs, raw_call)]
            for samples, call in pair if i % 2 == 0 else pair[::-1]:
                samples.append(timed(call))
        out[template_id] = {
            "ours": summary(mine),
            "raw": summary(theirs),
            "ratio_ours_to_raw": statistics.median(mine) / statistics.median(theirs),
            "docx_bytes": len(docx),
        }
        progress(f"{template_id}: ours/raw {out[template_id]['ratio_ours_to_raw']:.2f}")
    return out


def bench_cold(runs: int) -> Json:
    cold = ColdConverter(timeout=180)
    template, data = context("order")
    docx = render_docx(template, data, "kk")
    seconds = [timed(lambda: cold.to_pdf(docx)) for _ in range(runs)]
    return {"cold": summary(seconds)}


def bench_throughput(pool: UnoPool, documents: int, threads: int) -> Json:
    template, data = context("kandas-certificate")
    jobs = list(range(documents))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not jobs:
                    return
                jobs.pop()
            ours(pool, template, data)

    start = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - start
    return {
        "documents": documents,
        "threads": threads,
        "pool": pool.size,
        "seconds": seconds,
        "per_minute": documents / seconds * 60,
    }


def print_report(results: Json) -> None:
    env = results["environment"]
    print(f"Kense generation benchmark  {env['when']}  commit {env['commit']}  {env['cpus']} CPUs")
    print("1. per document (median ms): ours = render + pool PDF/A + XMP; raw = UnoClient.convert")
    for template_id, figures in results["latency"].items():
        ratio = figures["ratio_ours_to_raw"]
        verdict = "ok" if ratio <= GOAL_RAW else "MISSED"
        print(
            f"   {template_id:20} ours {figures['ours']['median_us'] / 1000:7.1f}  raw "
            f"{figures['raw']['median_us'] / 1000:7.1f}  ratio {ratio:.2f} "
            f"(goal <= {GOAL_RAW}: {verdict})"
        )
    cold = results["cold"]["cold"]["median_us"] / 1000
    order = results["latency"]["order"]["ours"]["median_us"] / 1000
    speedup = cold / order
    print(
        f"2. cold soffice --convert-to: {cold:.0f} ms per document; ours is {speedup:.1f}x faster "
        f"(goal >= {GOAL_COLD}: {'ok' if speedup >= GOAL_COLD else 'MISSED'})"
    )
    tp = results["throughput"]
    print(
        f"3. throughput: {tp['documents']} documents, {tp['threads']} threads, pool of "
        f"{tp['pool']}: {tp['per_minute']:.0f} documents per minute"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generation", description=__doc__)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not DEFAULT_PYTHON.exists():
        print(f"{DEFAULT_PYTHON} is missing: run `make uno`", file=sys.stderr)
        return 2
    began = time.perf_counter()
    results: Json = {}
    with UnoPool(size=1, timeout=120) as single:
        progress("latency: one warm worker")
        results["latency"] = bench_latency(single, args.rounds)
    progress(f"cold soffice: {COLD_RUNS} runs")
    results["cold"] = bench_cold(COLD_RUNS)
    with UnoPool(size=2, timeout=120) as pool:
        pool.start()
        progress(f"throughput: {THROUGHPUT_DOCS} documents")
        results["throughput"] = bench_throughput(pool, THROUGHPUT_DOCS, THREADS)
    results["environment"] = environment(began)
    print_report(results)
    write_results(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
