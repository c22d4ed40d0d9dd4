"""`kense serve` as a process: serves, and on SIGTERM stops its LibreOffice workers with it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from templates.catalog import Catalog
from tests.factories import PASSWORD
from tests.templates.conftest import require_libreoffice

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_stops_the_server_and_its_converter(tmp_path: Path) -> None:
    require_libreoffice()
    env = os.environ | {
        "KENSE_DATABASE_URL": f"sqlite:///{tmp_path}/kense.db",
        "KENSE_DATA_DIR": str(tmp_path),
    }
    kense = [sys.executable, "-c", "import app; app.main()"]
    subprocess.run([*kense, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    add = [*kense, "users", "add", "drafter", "--role", "drafter", "--password-stdin"]
    subprocess.run(
        add, env=env, cwd=ROOT, check=True, capture_output=True, input=PASSWORD + "\n", text=True
    )
    token = subprocess.run(
        [*kense, "tokens", "create", "drafter"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()
    server = subprocess.Popen(
        [*kense, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "kense serve did not answer"
                time.sleep(0.2)
        body = json.dumps(
            {"template": "order", "data": {"kk": Catalog().get("order").example("kk")}}
        )
        request = urllib.request.Request(
            f"{base}/api/v1/documents",
            data=body.encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status == 201
        workers = children(server.pid)
        assert workers, "the converter's workers run as children of the server"
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(pid) for pid in workers)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
