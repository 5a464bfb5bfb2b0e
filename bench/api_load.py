"""Load test of the API server: concurrent sync and async parse requests through the real SDK.

Starts ``docket serve`` in a fresh DOCKET_HOME, uploads one document, then runs N requests on C
client threads, alternating sync ``client.parse`` and async ``parse_runs.create_and_poll``.
Reports p50/p99 latency per kind, the error count, and checks that every created run reached a
terminal state (zero lost runs). Run once, not in a loop:

    .venv/bin/python bench/api_load.py --requests 60 --concurrency 8 [--file examples/sample.pdf]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from extend_ai import Extend
from extend_ai.wrapper import PollingOptions


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _repeat(pdf: bytes, pages: int) -> bytes:
    import io

    import pypdfium2

    src, out = pypdfium2.PdfDocument(pdf), pypdfium2.PdfDocument.new()
    while len(out) < pages:
        out.import_pages(src, list(range(min(len(src), pages - len(out)))))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--processes", type=int, default=2, help="DOCKET_WORKER__PROCESSES")
    ap.add_argument("--file", type=Path, default=Path("examples/sample.pdf"))
    ap.add_argument(
        "--background-pages", type=int, default=0,
        help="also parse an N-page copy of --file in the background during the load",
    )  # fmt: skip
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="docket-load-"))
    env = {**os.environ, "DOCKET_HOME": str(home), "DOCKET_WORKER__PROCESSES": str(args.processes)}
    cli = [sys.executable, "-m", "docket.cli.main"]
    key = subprocess.run(
        [*cli, "keys", "create", "--workspace", "load"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    port = _port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/files", headers={"Authorization": f"Bearer {key}"}).is_success:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.2)
        client = Extend(base_url=url, token=key, timeout=600)
        file_id = client.files.upload(file=(args.file.name, args.file.read_bytes())).id
        client.parse(file={"id": file_id})  # warm the worker processes
        if args.background_pages:
            big = _repeat(args.file.read_bytes(), args.background_pages)
            big_id = client.files.upload(file=("background.pdf", big)).id
            background = client.parse_runs.create(file={"id": big_id}).id
        else:
            background = None
        probe: list[float] = []
        stop = threading.Event()

        def probe_loop() -> None:  # how responsive plain GETs stay while parsing goes on
            with httpx.Client(headers={"Authorization": f"Bearer {key}"}) as http:
                while not stop.is_set():
                    t = time.perf_counter()
                    http.get(f"{url}/files", params={"maxPageSize": 1})
                    probe.append(time.perf_counter() - t)
                    stop.wait(0.05)

        prober = threading.Thread(target=probe_loop, daemon=True)
        prober.start()

        lat: dict[str, list[float]] = {"sync": [], "async": []}
        errors: list[str] = []
        created: list[str] = []
        lock = threading.Lock()
        polling = PollingOptions(fast_poll_interval_ms=100, fast_poll_duration_ms=600_000)

        def one(i: int) -> None:
            kind = "sync" if i % 2 == 0 else "async"
            start = time.perf_counter()
            try:
                if kind == "sync":
                    run = client.parse(file={"id": file_id})
                else:
                    run = client.parse_runs.create_and_poll(
                        file={"id": file_id}, polling_options=polling
                    )
                ok = run.status == "PROCESSED"
                with lock:
                    created.append(run.id)
                    if ok:
                        lat[kind].append(time.perf_counter() - start)
                    else:
                        errors.append(f"{kind}: {run.status} {run.failure_message}")
            except Exception as exc:
                with lock:
                    errors.append(f"{kind}: {type(exc).__name__}: {exc}"[:200])

        wall = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, range(args.requests)))
        wall = time.perf_counter() - wall
        stop.set()
        prober.join()

        if background is not None:
            created.append(background)
            while client.parse_runs.retrieve(background).status == "PROCESSING":
                time.sleep(0.5)
        runs: dict[str, str] = {}
        token = None
        while True:
            page = client.parse_runs.list(max_page_size=1000, next_page_token=token)
            runs.update({r.id: str(r.status) for r in page.data})
            token = page.next_page_token
            if not token:
                break
        open_runs = [r for r, st in runs.items() if st in ("PENDING", "PROCESSING")]
        lost = [r for r in created if r not in runs]

        print(f"requests={args.requests} concurrency={args.concurrency} "
              f"processes={args.processes} file={args.file.name} wall={wall:.1f}s "
              f"throughput={args.requests / wall:.1f} req/s")  # fmt: skip
        for kind, values in lat.items():
            mean = statistics.fmean(values) * 1000 if values else float("nan")
            print(f"{kind:5s} n={len(values)} p50={_pct(values, 0.5) * 1000:.0f}ms "
                  f"p99={_pct(values, 0.99) * 1000:.0f}ms mean={mean:.0f}ms")  # fmt: skip
        print(f"GET /files during load n={len(probe)} p50={_pct(probe, 0.5) * 1000:.0f}ms "
              f"p99={_pct(probe, 0.99) * 1000:.0f}ms")  # fmt: skip
        print(f"errors={len(errors)} runs_in_db={len(runs)} open_runs={len(open_runs)} "
              f"lost_runs={len(lost)}")  # fmt: skip
        for e in errors[:5]:
            print("  ", e)
        return 1 if errors or lost or open_runs else 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    raise SystemExit(main())
