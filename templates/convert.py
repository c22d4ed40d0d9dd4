"""DOCX → PDF/A-2b with LibreOffice: a warm pool of unoserver processes, a cold `soffice`
fallback, and the policy that chooses between them.

The unoserver *server* imports LibreOffice's `uno` bridge, which Debian ships only for its own
python3, so it runs from a separate venv (scripts/unoserver-venv.sh); this process only speaks
its XML-RPC API (the version the pinned unoserver client declares).
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path
from queue import Empty, Queue
from typing import Any, Protocol

from unoserver.client import API_VERSION  # type: ignore[import-untyped]

from templates.errors import ConversionError, ConverterUnavailable

log = logging.getLogger("kense.convert")

PDF_FILTER = "writer_pdf_Export"
PDFA_OPTIONS = ("SelectPdfVersion=2",)  # PDF/A-2b; unoserver turns "Name=Value" into FilterData
# Forced, so that an input that is not a DOCX fails instead of being imported as plain text.
DOCX_FILTER = "MS Word 2007 XML"
COLD_CONVERT_TO = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PYTHON = REPO / ".uno-venv" / "bin" / "python"
SOFFICE_PATHS = ("/usr/lib/libreoffice/program/soffice",)


class Converter(Protocol):
    def to_pdf(self, docx: bytes, *, timeout: float | None = None) -> bytes:
        """The DOCX as PDF/A-2b; ConversionError when it cannot be converted in time."""
        ...

    def health(self) -> dict[str, Any]:
        """A JSON-ready status (``status`` is ok, degraded, down, not_started or closed)."""
        ...

    def close(self) -> None: ...


def find_soffice(soffice: str | os.PathLike[str] | None = None) -> str | None:
    """The LibreOffice executable: the given one, Debian's, or `soffice` on PATH."""
    if soffice is not None:
        return shutil.which(os.fspath(soffice))
    for path in SOFFICE_PATHS:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("soffice")


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process and everything it started (soffice runs in its session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _tail(path: Path, limit: int = 800) -> str:
    try:
        text = path.read_bytes()[-limit:].decode("utf-8", "replace")
    except OSError:
        return ""
    return " ".join(text.split())


def _check_pdf(pdf: object, who: str) -> bytes:
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        raise ConversionError(f"{who} returned no PDF; check that the input is a valid DOCX")
    return pdf


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout (the standard transport has none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


class _Refused(Exception):
    """The worker was not listening: nothing was sent, so the job may be retried."""


class _Worker:
    """One unoserver process with its soffice child, own process group, profile and ports.

    Only the job (or restart thread) that took it from the pool's queue uses it; ``close`` may
    come from any thread, so spawning and killing happen under ``_lock``.
    """

    def __init__(self, index: int, pool: UnoPool) -> None:
        self.index = index
        self.pool = pool
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.uno_port = 0
        self.state = "stopped"
        self.jobs = 0
        self.starts = 0
        self.error: str | None = None
        self.version: str | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def dir(self) -> Path:
        return self.pool.work_dir / f"worker-{self.index}"

    @property
    def url(self) -> str:
        return f"http://{self.pool.host}:{self.port}"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _ports(self) -> tuple[int, int]:
        if self.pool.base_port is not None:
            port = self.pool.base_port + 2 * self.index
            return port, port + 1
        port = _free_port(self.pool.host)
        uno_port = _free_port(self.pool.host)
        while uno_port == port:
            uno_port = _free_port(self.pool.host)
        return port, uno_port

    def _fail(self, message: str) -> ConverterUnavailable:
        self.state = "dead"
        self.error = message
        return ConverterUnavailable(message)

    def spawn(self) -> None:
        pool = self.pool
        with self._lock:
            if self._closed:
                raise ConverterUnavailable("the LibreOffice pool is closed")
            self._kill_locked()
            if pool.soffice is None:
                raise self._fail(
                    "LibreOffice is not installed (no soffice found); "
                    "install libreoffice-writer-nogui (make system-deps)"
                )
            profile = self.dir / "profile"
            shutil.rmtree(profile, ignore_errors=True)
            (self.dir / "tmp").mkdir(parents=True, exist_ok=True)
            self.port, self.uno_port = self._ports()
            cmd = [
                pool.python,
                "-m",
                "unoserver.server",
                "--interface",
                pool.host,
                "--port",
                str(self.port),
                "--uno-interface",
                pool.host,
                "--uno-port",
                str(self.uno_port),
                "--user-installation",
                str(profile),
                "--temp-dir",
                str(self.dir / "tmp"),
                "--executable",
                pool.soffice,
            ]
            try:
                with open(self.dir / "server.log", "wb") as log_file:
                    self.proc = subprocess.Popen(
                        cmd,
                        stdin=subprocess.DEVNULL,
                        stdout=log_file,
                        stderr=subprocess.STDOUT,
                        cwd=self.dir,
                        start_new_session=True,
                    )
            except OSError as exc:
                raise self._fail(
                    f"cannot run unoserver with {pool.python}: {exc}; "
                    "create its environment with scripts/unoserver-venv.sh"
                ) from exc
            self.state = "starting"
            self.starts += 1

    def wait_ready(self, timeout: float) -> None:
        """Poll ``info()`` until the server answers; unoserver itself needs about 5 s."""
        deadline = time.monotonic() + timeout
        while True:
            proc = self.proc
            if self._closed or proc is None:
                raise self._fail("the LibreOffice pool is closed")
            status = proc.poll()
            if status is not None:
                proc.wait()
                raise self._fail(
                    f"unoserver (worker {self.index}) exited with status {status} while "
                    f"starting: {_tail(self.dir / 'server.log')}"
                )
            try:
                with xmlrpc.client.ServerProxy(self.url, transport=_Transport(5.0)) as proxy:
                    info = proxy.info()
            except (OSError, http.client.HTTPException, xmlrpc.client.Error):
                if time.monotonic() > deadline:
                    self.kill()
                    raise self._fail(
                        f"unoserver (worker {self.index}) did not answer within {timeout:g} s: "
                        f"{_tail(self.dir / 'server.log')}"
                    ) from None
                time.sleep(0.1)
                continue
            if not isinstance(info, dict) or info.get("api") != API_VERSION:
                self.kill()
                raise self._fail(f"unoserver speaks API {info!r}, expected {API_VERSION}")
            self.version = str(info.get("libreoffice_version", ""))
            self.state = "idle"
            self.error = None
            log.info(
                "LibreOffice worker %d ready (pid %d, port %d)", self.index, proc.pid, self.port
            )
            return

    def start(self, timeout: float) -> None:
        self.spawn()
        self.wait_ready(timeout)

    def convert(self, docx: bytes, timeout: float) -> bytes:
        """One conversion; on a timeout or a broken connection the worker is killed (``dead``).

        The call is unoserver's XML-RPC ``convert`` with the arguments ``UnoClient.convert``
        sends; the client itself has no timeout and retries a refused connection for 40 s.
        """
        args = (None, xmlrpc.client.Binary(docx), None, "pdf", PDF_FILTER, list(PDFA_OPTIONS))
        self.state = "busy"
        self.jobs += 1
        try:
            with xmlrpc.client.ServerProxy(
                self.url, transport=_Transport(timeout), allow_none=True
            ) as proxy:
                result = proxy.convert(*args, True, DOCX_FILTER, None)
        except TimeoutError:
            self.kill()
            raise ConversionError(
                f"LibreOffice did not convert the document within {timeout:g} s "
                "(its worker is being restarted); simplify the document or raise the timeout"
            ) from None
        except ConnectionRefusedError:
            self.kill()
            raise _Refused from None
        except xmlrpc.client.Fault as exc:
            message = str(exc.faultString).split(":", 1)[-1].strip()
            raise ConversionError(
                f"LibreOffice could not convert the document: {message}; "
                "check that it is a valid DOCX"
            ) from None
        except (OSError, http.client.HTTPException, xmlrpc.client.Error) as exc:
            self.kill()
            raise ConversionError(
                f"LibreOffice worker {self.index} failed during the conversion ({exc}); "
                "it is being restarted, try again"
            ) from None
        finally:
            if self.state == "busy":
                self.state = "idle"
        data = result.data if isinstance(result, xmlrpc.client.Binary) else None
        return _check_pdf(data, "LibreOffice")

    def kill(self) -> None:
        with self._lock:
            self._kill_locked()
            self.state = "dead"

    def _kill_locked(self) -> None:
        if self.proc is not None:
            _kill_group(self.proc)
            self.proc = None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._kill_locked()
            self.state = "stopped"

    def health(self) -> dict[str, Any]:
        proc = self.proc
        return {
            "index": self.index,
            "state": self.state if self.state != "idle" or self.alive() else "dead",
            "pid": proc.pid if proc is not None else None,
            "port": self.port or None,
            "jobs": self.jobs,
            "restarts": max(self.starts - 1, 0),
            "error": self.error,
        }


class UnoPool:
    """``size`` warm LibreOffice processes (unoserver), each converting one job at a time.

    Started by ``start()`` or the first ``to_pdf``. A job waits up to ``wait_timeout`` for a free
    worker; a worker found dead is restarted first (up to ``start_timeout``); ``timeout`` bounds
    the conversion itself, and a job exceeding it kills its worker, which is restarted in the
    background. When no worker can be started the pool raises ConverterUnavailable, and does so
    at once for ``retry_after`` seconds before trying again.

    Workers listen on ``host`` only, on free ports (or ``base_port + 2*i`` and ``+1``), with
    profiles under ``work_dir`` (a temporary directory, deleted by ``close``, by default).
    """

    def __init__(
        self,
        size: int = 2,
        *,
        python: str | os.PathLike[str] = DEFAULT_PYTHON,
        host: str = "127.0.0.1",
        base_port: int | None = None,
        timeout: float = 60.0,
        work_dir: str | os.PathLike[str] | None = None,
        soffice: str | os.PathLike[str] | None = None,
        start_timeout: float = 60.0,
        wait_timeout: float = 120.0,
        retry_after: float = 30.0,
    ) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        if min(timeout, start_timeout, wait_timeout) <= 0:
            raise ValueError("timeouts must be positive")
        self.size = size
        python = os.fspath(python)
        self.python = os.path.abspath(python) if os.sep in python else python
        self.host = host
        self.base_port = base_port
        self.timeout = timeout
        self.soffice = find_soffice(soffice)
        self.start_timeout = start_timeout
        self.wait_timeout = wait_timeout
        self.retry_after = retry_after
        self._work_dir = None if work_dir is None else Path(work_dir)
        self._own_dir = work_dir is None
        self._workers = [_Worker(i, self) for i in range(size)]
        self._free: Queue[_Worker] = Queue()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._down: tuple[float, str] | None = None
        atexit.register(self.close)

    @property
    def work_dir(self) -> Path:
        """Where the workers' profiles, temporary files and logs live."""
        if self._work_dir is None:
            self._work_dir = Path(tempfile.mkdtemp(prefix="kense-uno-"))
        return self._work_dir

    def start(self) -> None:
        """Start every worker (in parallel); ConverterUnavailable if none comes up."""
        with self._lock:
            if self._closed:
                raise ConverterUnavailable("the LibreOffice pool is closed")
            if self._started:
                return
            if self._down is not None and time.monotonic() < self._down[0]:
                raise ConverterUnavailable(self._down[1])
            self.work_dir.mkdir(parents=True, exist_ok=True)
            errors: list[str] = []
            for worker in self._workers:
                try:
                    worker.spawn()
                except ConverterUnavailable as exc:
                    errors.append(exc.message)
            for worker in self._workers:
                if worker.state == "starting":
                    try:
                        worker.wait_ready(self.start_timeout)
                    except ConverterUnavailable as exc:
                        errors.append(exc.message)
            if not any(w.state == "idle" for w in self._workers):
                message = f"no LibreOffice worker could be started: {errors[0]}"
                self._down = (time.monotonic() + self.retry_after, message)
                raise ConverterUnavailable(message)
            for error in errors:
                log.warning("LibreOffice pool starts degraded: %s", error)
            for worker in self._workers:
                self._free.put(worker)
            self._started = True
            self._down = None

    def to_pdf(self, docx: bytes, *, timeout: float | None = None) -> bytes:
        limit = self.timeout if timeout is None else timeout
        if limit <= 0:
            raise ValueError("timeout must be positive")
        self.start()
        try:
            worker = self._free.get(timeout=self.wait_timeout)
        except Empty:
            raise ConversionError(
                f"all {self.size} LibreOffice workers stayed busy for {self.wait_timeout:g} s; "
                "try again later"
            ) from None
        try:
            if self._closed:
                raise ConverterUnavailable("the LibreOffice pool is closed")
            if not worker.alive():
                log.warning("LibreOffice worker %d had stopped; restarting it", worker.index)
                worker.start(self.start_timeout)
            try:
                return worker.convert(docx, limit)
            except _Refused:
                log.warning("LibreOffice worker %d was not listening; restarting it", worker.index)
            worker.start(self.start_timeout)
            try:
                return worker.convert(docx, limit)
            except _Refused:
                raise ConverterUnavailable(
                    f"LibreOffice worker {worker.index} does not accept connections on port "
                    f"{worker.port} after a restart"
                ) from None
        finally:
            if worker.state == "dead" and worker.error is None and not self._closed:
                self._restart_in_background(worker)
            else:
                self._free.put(worker)

    def worker_ports(self) -> list[int]:
        """The unoserver ports of the running workers (for benchmarks against the raw client)."""
        self.start()
        return [w.port for w in self._workers if w.alive()]

    def _restart_in_background(self, worker: _Worker) -> None:
        """Bring a killed worker back; it rejoins the queue either way (dead ones retry on use)."""

        def restart() -> None:
            try:
                worker.start(self.start_timeout)
            except ConverterUnavailable as exc:
                if not self._closed:
                    log.error("LibreOffice worker %d could not be restarted: %s", worker.index, exc)
            finally:
                self._free.put(worker)

        log.warning("restarting LibreOffice worker %d", worker.index)
        threading.Thread(
            target=restart, name=f"kense-uno-restart-{worker.index}", daemon=True
        ).start()

    def health(self) -> dict[str, Any]:
        workers = [w.health() for w in self._workers]
        ready = sum(1 for w in workers if w["state"] in ("idle", "busy"))
        if self._closed:
            status = "closed"
        elif not self._started:
            status = "down" if self._down is not None else "not_started"
        else:
            status = "ok" if ready == self.size else "degraded" if ready else "down"
        versions = {w.version for w in self._workers if w.version}
        return {
            "converter": "unoserver",
            "status": status,
            "size": self.size,
            "ready": ready,
            "timeout": self.timeout,
            "libreoffice": versions.pop() if versions else None,
            "error": self._down[1] if self._down is not None else None,
            "workers": workers,
        }

    def close(self) -> None:
        """Stop every process; idempotent, also run at interpreter exit."""
        self._closed = True
        for worker in self._workers:
            worker.close()
        with self._lock:
            atexit.unregister(self.close)
            if self._own_dir and self._work_dir is not None:
                shutil.rmtree(self._work_dir, ignore_errors=True)

    def __enter__(self) -> UnoPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ColdConverter:
    """One fresh `soffice --convert-to` per document, with a throw-away profile: slow (seconds)
    but needs nothing running."""

    def __init__(
        self, soffice: str | os.PathLike[str] | None = None, *, timeout: float = 120.0
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._soffice = soffice
        self.timeout = timeout

    def _executable(self) -> str:
        path = find_soffice(self._soffice)
        if path is None:
            wanted = self._soffice or "soffice"
            raise ConverterUnavailable(
                f"LibreOffice is not installed ({wanted} not found); "
                "install libreoffice-writer-nogui (make system-deps)"
            )
        return path

    def to_pdf(self, docx: bytes, *, timeout: float | None = None) -> bytes:
        limit = self.timeout if timeout is None else timeout
        if limit <= 0:
            raise ValueError("timeout must be positive")
        soffice = self._executable()
        with tempfile.TemporaryDirectory(prefix="kense-soffice-") as tmp:
            root = Path(tmp)
            source = root / "document.docx"
            source.write_bytes(docx)
            cmd = [
                soffice,
                "--headless",
                "--norestore",
                "--nologo",
                "--nodefault",
                f"-env:UserInstallation={(root / 'profile').as_uri()}",
                f"--infilter={DOCX_FILTER}",
                "--convert-to",
                COLD_CONVERT_TO,
                "--outdir",
                str(root / "out"),
                str(source),
            ]
            try:
                proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    cwd=root,
                    start_new_session=True,
                )
            except OSError as exc:
                raise ConverterUnavailable(f"cannot run {soffice}: {exc}") from exc
            try:
                output, _ = proc.communicate(timeout=limit)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                proc.communicate()
                raise ConversionError(
                    f"soffice did not convert the document within {limit:g} s; "
                    "simplify the document or raise the timeout"
                ) from None
            result = root / "out" / "document.pdf"
            if proc.returncode != 0 or not result.is_file():
                said = " ".join(output.decode("utf-8", "replace").split())[-500:]
                raise ConversionError(
                    f"soffice could not convert the document (exit status {proc.returncode}: "
                    f"{said}); check that it is a valid DOCX"
                )
            return _check_pdf(result.read_bytes(), "soffice")

    def health(self) -> dict[str, Any]:
        path = find_soffice(self._soffice)
        return {
            "converter": "soffice",
            "status": "ok" if path else "down",
            "soffice": path,
            "timeout": self.timeout,
        }

    def close(self) -> None:
        pass


class FallbackConverter:
    """The pool, and a cold soffice only while the pool cannot run at all.

    A ConversionError of a job (a bad document, a timeout) is final: converting the same
    document cold would fail the same way, only slower.
    """

    def __init__(self, pool: Converter, cold: Converter) -> None:
        self.pool = pool
        self.cold = cold

    def to_pdf(self, docx: bytes, *, timeout: float | None = None) -> bytes:
        try:
            return self.pool.to_pdf(docx, timeout=timeout)
        except ConverterUnavailable as exc:
            log.warning(
                "LibreOffice pool unavailable (%s); converting with a cold soffice instead",
                exc.message,
            )
        return self.cold.to_pdf(docx, timeout=timeout)

    def health(self) -> dict[str, Any]:
        pool = self.pool.health()
        cold = self.cold.health()
        if pool["status"] in ("ok", "not_started"):
            status = pool["status"]
        elif cold["status"] == "ok":
            status = "degraded"
        else:
            status = "down"
        return {"converter": "fallback", "status": status, "pool": pool, "cold": cold}

    def close(self) -> None:
        self.pool.close()
        self.cold.close()
