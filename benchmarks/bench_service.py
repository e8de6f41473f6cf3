"""How fast is the HTTP service, against a bare FastAPI endpoint and in-process triage?

    python benchmarks/bench_service.py            # the full run (a few minutes)
    python benchmarks/bench_service.py --quick    # fewer requests and rows

Needs the service extra (``pip install -e ".[dev]"`` has it). Everything runs on 127.0.0.1;
each server is started here (``hf-triage serve`` or uvicorn for the bare app) and stopped
again, and every phase sends a bounded number of requests.

1. ``POST /v1/triage`` at concurrency 1, 8 and 64, with 1 and 2 workers: requests/s and
   p50/p99 latency, against a bare FastAPI app (same FastAPI, telemetry off as in the
   service, no middleware) whose POST endpoint reads the body and returns a constant
   recommendation of the same size, with the same workers, in the same run. The load
   generator is a minimal asyncio HTTP/1.1 keep-alive client (one connection per concurrent
   caller) in this process: on two cores it competes with the server for CPU, which is part
   of every figure alike.
2. ``POST /v1/triage/batch``: assessments/s for a JSON array and for NDJSON of ``--rows``
   assessments, against in-process ``triage_many`` on the same rows.
3. Peak memory (the server process's VmHWM, one worker, a fresh server per format) for a
   batch of 100,000 rows.

Before timing, the service's answer for every distinct assessment equals ``triage()``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response  # module level: FastAPI resolves annotations

HERE = Path(__file__).resolve().parent


# --- the bare comparison app (uvicorn imports it from this file) ---------------------------


def bare_app() -> Any:
    """A FastAPI app with one POST endpoint that returns a constant recommendation."""
    from hf_triage import triage
    from hf_triage.service._app import _fastapi_options

    constant = triage({"complexity": "moderate", "service_use": "partial"}).model_dump_json()
    app = FastAPI(**_fastapi_options())

    @app.post("/const")
    async def const(request: Request) -> Response:
        await request.body()
        return Response(constant, media_type="application/json")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


# --- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(kind: str, workers: int) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    if kind == "service":
        command = [sys.executable, "-m", "hf_triage.cli", "serve", "--port", str(port)]
        command += ["--workers", str(workers)]
        ready = "/readyz"
    else:
        command = [sys.executable, "-m", "uvicorn", "--app-dir", str(HERE), "--factory"]
        command += ["bench_service:bare_app", "--port", str(port), "--workers", str(workers)]
        command += ["--no-access-log", "--log-level", "warning"]
        ready = "/healthz"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if process.poll() is not None:
                raise SystemExit(f"{kind} server exited with {process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}{ready}", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit(f"{kind} server did not become ready")
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


# --- a minimal keep-alive load generator ---------------------------------------------------


def request_bytes(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _caller(
    port: int, requests: list[bytes], count: int, latencies: list[float], offset: int
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for i in range(count):
            start = time.perf_counter()
            writer.write(requests[(offset + i) % len(requests)])
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                raise SystemExit(f"status {status}")
    finally:
        writer.close()


async def _load(port: int, requests: list[bytes], total: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    per = total // concurrency
    await asyncio.gather(
        *(_caller(port, requests, per, latencies, i * 7) for i in range(concurrency))
    )
    return latencies


def measure(port: int, requests: list[bytes], total: int, concurrency: int) -> dict[str, float]:
    asyncio.run(_load(port, requests, max(concurrency * 4, total // 10), concurrency))  # warm
    start = time.perf_counter()
    latencies = asyncio.run(_load(port, requests, total, concurrency))
    seconds = time.perf_counter() - start
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


# --- data --------------------------------------------------------------------------------


def assessments(count: int, seed: int) -> list[dict[str, Any]]:
    """Assessments drawn from the domain with a fixed seed; about one answer in six unknown."""
    from hf_triage._domain import FIELDS

    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        row: dict[str, Any] = {}
        for name, spec in FIELDS.items():
            if rng.random() < 1 / 6:
                continue
            value = rng.choice(spec.values)
            if name.startswith("dimensions."):
                row.setdefault("dimensions", {})[name.split(".", 1)[1]] = value
            else:
                row[name] = value
        rows.append(row)
    return rows


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- phases ------------------------------------------------------------------------------


def check_answers(port: int, sample: list[dict[str, Any]]) -> None:
    from hf_triage import triage

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for row in sample:
            got = client.post("/v1/triage", json={"assessment": row}).json()
            if got != triage(row).model_dump(mode="json"):
                raise SystemExit(f"the service disagrees with triage() on {sorted(row)}")


def asgi_cost(app: Any, path: str, bodies: list[bytes], count: int) -> float:
    """Median µs per request through the whole ASGI app in this process (no network)."""

    async def run() -> list[float]:
        times = []
        for i in range(count):
            body = bodies[i % len(bodies)]
            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "POST",
                "scheme": "http",
                "path": path,
                "raw_path": path.encode(),
                "query_string": b"",
                "root_path": "",
                "headers": [
                    (b"host", b"127.0.0.1"),
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
                "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 8000),
            }
            messages = [{"type": "http.request", "body": body, "more_body": False}]
            status: list[int] = []

            async def receive(pending: list[dict[str, Any]] = messages) -> dict[str, Any]:
                return pending.pop() if pending else {"type": "http.disconnect"}

            async def send(message: dict[str, Any], seen: list[int] = status) -> None:
                if message["type"] == "http.response.start":
                    seen.append(message["status"])

            start = time.perf_counter()
            await app(scope, receive, send)
            times.append(time.perf_counter() - start)
            if status != [200]:
                raise SystemExit(f"ASGI call: status {status}")
        return times

    times = asyncio.run(run())
    return statistics.median(times[len(times) // 5 :]) * 1e6


def phase_asgi(sample: list[dict[str, Any]], count: int) -> list[str]:
    from hf_triage.service import create_app

    bodies = [json.dumps({"assessment": row}).encode() for row in sample]
    ours = min(asgi_cost(create_app(), "/v1/triage", bodies, count) for _ in range(3))
    bare = min(asgi_cost(bare_app(), "/const", bodies, count) for _ in range(3))
    return [
        "| app, in-process ASGI call (no network) | µs per request (median, best of 3) | × bare |",
        "|---|---:|---:|",
        f"| bare FastAPI endpoint returning a constant | {bare:.0f} | 1.00 |",
        f"| **`POST /v1/triage`** (validation, triage, JSON, guard) | **{ours:.0f}** | "
        f"**{ours / bare:.2f}** |",
    ]


def phase_single(total: int, sample: list[dict[str, Any]], rounds: int) -> list[str]:
    """Both servers run side by side (an idle one costs nothing) and are measured in turns,
    best of ``rounds``, so that a burst of load from elsewhere hits both alike."""
    bodies = [json.dumps({"assessment": row}).encode() for row in sample]
    service_requests = [request_bytes("/v1/triage", b) for b in bodies]
    bare_requests = [request_bytes("/const", b) for b in bodies]
    lines = [
        "| workers | concurrency | service req/s | p50 ms | p99 ms | bare FastAPI req/s | "
        "p50 ms | p99 ms | bare ÷ service req/s (goal ≤ 2) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for workers in (1, 2):
        with server("service", workers) as (port, _), server("bare", workers) as (bare, _):
            check_answers(port, sample)
            for c in (1, 8, 64):
                ours: list[dict[str, float]] = []
                theirs: list[dict[str, float]] = []
                for _ in range(rounds):
                    ours.append(measure(port, service_requests, total, c))
                    theirs.append(measure(bare, bare_requests, total, c))
                o = max(ours, key=lambda m: m["rps"])
                b = max(theirs, key=lambda m: m["rps"])
                lines.append(
                    f"| {workers} | {c} | {o['rps']:,.0f} | {o['p50']:.2f} | {o['p99']:.2f} | "
                    f"{b['rps']:,.0f} | {b['p50']:.2f} | {b['p99']:.2f} | "
                    f"{b['rps'] / o['rps']:.2f} |"
                )
                print(lines[-1], flush=True)
    return lines


def phase_batch(rows: list[dict[str, Any]]) -> list[str]:
    from hf_triage import default_rules, triage_many

    default_rules()
    triage_many(rows[:1000])  # warm the memo as the server's warm-up does
    times = []
    for _ in range(3):
        start = time.perf_counter()
        results = triage_many(rows)
        times.append(time.perf_counter() - start)
    in_process = len(rows) / min(times)
    assert all(r.error is None for r in results)
    json_body = json.dumps(rows).encode()
    ndjson_body = b"".join(json.dumps(r).encode() + b"\n" for r in rows)
    lines = [
        f"| variant ({len(rows):,} rows) | assessments/s (best of 3) | ÷ in-process |",
        "|---|---:|---:|",
        f"| in-process `triage_many` (list of dicts) | {in_process:,.0f} | 1.00 |",
    ]
    with server("service", 1) as (port, _):
        url = f"http://127.0.0.1:{port}/v1/triage/batch"
        with httpx.Client(timeout=600) as client:
            client.post(
                url,
                content=ndjson_body[:100_000].rsplit(b"\n", 1)[0],
                headers={"content-type": "application/x-ndjson"},
            )
            for label, body, ctype in (
                ("JSON array", json_body, "application/json"),
                ("NDJSON", ndjson_body, "application/x-ndjson"),
            ):
                best = float("inf")
                for _ in range(3):
                    start = time.perf_counter()
                    response = client.post(url, content=body, headers={"content-type": ctype})
                    best = min(best, time.perf_counter() - start)
                    if response.status_code != 200:
                        raise SystemExit(f"batch: status {response.status_code}")
                count = (
                    len(response.json())
                    if ctype == "application/json"
                    else len(response.content.splitlines())
                )
                if count != len(rows):
                    raise SystemExit(f"batch answered {count} of {len(rows)} rows")
                rate = len(rows) / best
                lines.append(
                    f"| `POST /v1/triage/batch`, {label} over HTTP | {rate:,.0f} | "
                    f"{rate / in_process:.2f} |"
                )
                print(lines[-1], flush=True)
    return lines


def phase_memory(diverse: list[dict[str, Any]], repeated: list[dict[str, Any]]) -> list[str]:
    """Peak RSS of a fresh one-worker server over one batch. ``diverse`` rows are mostly
    distinct assessments, so the library's memo of explained outcomes grows with them;
    ``repeated`` cycles through 50 assessments, which shows the service's own buffers."""
    lines = [
        "| rows (one worker, fresh server) | format | body MB | RSS before MB | peak RSS MB | "
        "peak − before MB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for kind, rows in (("diverse", diverse), ("50 distinct, repeated", repeated)):
        bodies = (
            ("JSON array", json.dumps(rows).encode(), "application/json"),
            (
                "NDJSON",
                b"".join(json.dumps(r).encode() + b"\n" for r in rows),
                "application/x-ndjson",
            ),
        )
        for label, body, ctype in bodies:
            with server("service", 1) as (port, process):
                url = f"http://127.0.0.1:{port}/v1/triage/batch"
                with httpx.Client(timeout=600) as client:
                    client.post(url, json=rows[:200])
                    before = rss_mb(process.pid)
                    headers = {"content-type": ctype}
                    with client.stream("POST", url, content=body, headers=headers) as r:
                        for _ in r.iter_bytes():
                            pass
                    peak = peak_rss_mb(process.pid)
            lines.append(
                f"| {len(rows):,} {kind} | {label} | {len(body) / 1e6:.1f} | {before:.0f} | "
                f"{peak:.0f} | {peak - before:.0f} |"
            )
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    # a terminated run still stops the servers it started (the context managers' finally)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and rows")
    parser.add_argument("--requests", type=int, help="requests per measurement")
    parser.add_argument("--rows", type=int, help="rows in the batch phase")
    parser.add_argument(
        "--only", choices=("asgi", "single", "batch", "memory"), help="run one phase only"
    )
    args = parser.parse_args()
    total = args.requests or (1_000 if args.quick else 4_000)
    batch_rows = args.rows or (10_000 if args.quick else 50_000)
    memory_rows = 20_000 if args.quick else 100_000
    import hf_triage

    print(f"$ python benchmarks/bench_service.py {' '.join(sys.argv[1:])}")
    print(
        f"Python {platform.python_version()}, {platform.machine()} {platform.system()}, "
        f"{os.cpu_count()} cores, hf_triage {hf_triage.__version__}; {total:,} requests per "
        "measurement (after a warm-up), one keep-alive connection per concurrent caller\n"
    )
    sample = assessments(50, seed=12)
    blocks: list[list[str]] = []

    def wanted(phase: str) -> bool:
        return args.only in (None, phase)

    if wanted("asgi"):
        print("\n## Server-side cost per request (in-process ASGI)\n")
        blocks.append(phase_asgi(sample, 2_000 if args.quick else 10_000))
        print("\n".join(blocks[-1]))
    if wanted("single"):
        print("\n## POST /v1/triage against a bare FastAPI endpoint\n")
        blocks.append(phase_single(total, sample, rounds=2 if args.quick else 3))
    if wanted("batch"):
        print("\n## POST /v1/triage/batch against in-process triage_many\n")
        blocks.append(phase_batch(assessments(batch_rows, seed=13)))
    if wanted("memory"):
        print("\n## Peak memory of a batch\n")
        repeated = (sample * (memory_rows // len(sample) + 1))[:memory_rows]
        blocks.append(phase_memory(assessments(memory_rows, seed=14), repeated))
    print("\n--- markdown ---\n")
    for block in blocks:
        print("\n".join(block) + "\n")


if __name__ == "__main__":
    main()
