"""Load-test live rooms end to end: real ``coil serve`` processes, hundreds of Socket.IO clients.

    .venv/bin/python bench/chat_load.py [--mode threading|gevent|eventlet] [--processes 1|2]
        [--db sqlite|postgres] [--clients 200] [--rooms 20] [--rate 1000] [--duration 20]
        [--warmup 3] [--reconnect-every 1.0]
    .venv/bin/python bench/chat_load.py --matrix      # every mode, 1 and 2 processes, reconnects
                                                      # (the reconnecting runs use --mode)
    .venv/bin/python bench/chat_load.py --rate 50,100,200,400    # one run per rate
    .venv/bin/python bench/chat_load.py --bare --mode gevent     # python-socketio alone

One run: a fresh database (a SQLite file in a temporary folder, or a new PostgreSQL database
``coil_bench_<random>`` with ``--db postgres``, dropped afterwards) seeded by
``bench/chat_seed.py`` with one exchange of ``--rooms`` published teams of ``clients / rooms``
students, each with a personal API token; 1 or 2 ``coil serve`` processes (with 2, a private
``redis-server`` on a free port as the message queue and rate-limit store, unless
``--redis-url`` names one); and the load generator ``bench/chat_load_client.mjs`` (Node and the
npm ``socket.io-client`` the application already ships, websocket transport only: python-socketio's
asyncio client needs aiohttp, which is not installed, and the threaded client would cost more than
the 70 % of one core the generator may use). Clients are spread round-robin over the processes.

Every client connects with its token and joins its team room. Message k is then scheduled at
``t0 + k / rate`` and sent by client ``k % clients`` with a fresh uuid as ``client_id``; its body
carries the scheduled time. The first ``--warmup`` seconds are not measured; the measured window
is the next ``--duration`` seconds; then sending stops and the generator waits up to ``--drain``
seconds for every acknowledgement and delivery.

What the columns count:

- ``deliv/s``: arrivals of a message at another member of its room (not the sender's own copy)
  during the measured window, per second; ``sends/s``: acknowledgements received in the window.
  With 10 people per room each message makes 9 deliveries.
- ``p50/p95/p99``: milliseconds from a message's *scheduled* send time to its first arrival at
  each other member, for messages scheduled in the window (so a late send or a slow reconnect
  counts against the latency: no coordinated omission).
- ``lost``: (member, message) pairs never handed to the member's application by the end of the
  drain, live or in a catch-up, over every message of its room known to be stored (acknowledged,
  or seen by any member) and every member including the sender; plus sends never acknowledged.
  The notes split lost deliveries into those below the member's highest id (gone for good: a
  catch-up with ``after`` = that id never returns them) and the rest (a member still rejoining,
  or a server still behind, when the drain ended).
- ``dup``: duplicates *stored* (rows in ``messages`` beyond one per client id the generator
  used, counted in the database after the run), plus a resend acknowledged with a different
  message id, plus the same message id arriving twice on one connection's live stream (a server
  that broadcasts twice). An id that arrives both in a reconnect's catch-up page and on the new
  connection's live stream is expected (the join subscribes before answering); the client drops
  it by id, and it is reported only as ``overlap`` in the notes.
- ``reord``: messages handed to a member's application (after that de-duplication) with an id
  lower than one it already had. Live events that arrive while a join is in flight are held
  until its catch-up page has been handed over, as a real client would.
- ``gen%``: CPU of the generator over the window in per cent of one core (warns above 70);
  ``srv%``: CPU of the server processes together (per cent of one core, so up to 200 on two
  cores); ``RSS MB``: their resident memory at its peak in the window, summed; ``KB/conn``: that
  peak minus the idle resident memory before any client connected, per connection.

Reconnecting runs (``--reconnect-every S``): every client drops its connection about S seconds
after it got back into its room (drawn from 0.8 S to 1.2 S; first drops staggered over the first
S seconds, so a server slow to take connections is not also handed more), reconnects at once,
joins with ``after`` = the highest id it has, takes the catch-up page (and the next one if
``more``), and sends again, with the same ``client_id``, whatever was sent on the old connection
and not acknowledged, and whatever was scheduled while it was away. Drops stop when sending ends.

``--bare`` serves the same protocol from a bare python-socketio server (no token check, no
database, ids from a counter): what the framework alone does here, and a check that the generator
is not the limit. ``--deflate`` makes the clients offer permessage-deflate as browsers do (off by
default: inflating every frame would cost the generator more than everything else it does).

Figures are noisy on a shared machine: the notes give the whole machine's busy CPU over the
window (``host``, per cent of all cores) to judge how quiet it was.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from chat_seed import create_database, drop_database  # noqa: E402

PYTHON = sys.executable
COIL = [PYTHON, "-c", "from coil.cli import main; main()"]
CLIENT_SCRIPT = HERE / "chat_load_client.mjs"
TICK = os.sysconf("SC_CLK_TCK")
MODES = ("threading", "gevent", "eventlet")
GENERATOR_CEILING = 70.0
CONNECT_TIMEOUT = 120  # seconds for every client to connect and join before a run gives up


@dataclass(frozen=True)
class Spec:
    mode: str
    processes: int
    db: str
    reconnect_every: float = 0.0
    rate: int = 1000
    bare: bool = False


@dataclass
class Outcome:
    spec: Spec
    args: argparse.Namespace
    result: dict[str, Any] = field(default_factory=dict)
    stored_rows: int = 0
    stored_distinct: int = 0
    stored_missing: int = 0
    generator_cpu: float = 0.0
    server_cpu: list[float] = field(default_factory=list)
    host_busy: float = 0.0
    rss_idle_kb: list[int] = field(default_factory=list)
    rss_ready_kb: list[int] = field(default_factory=list)
    rss_peak_kb: list[int] = field(default_factory=list)
    log_problems: list[str] = field(default_factory=list)
    log_counts: dict[str, int] = field(default_factory=dict)
    error: str = ""

    # The columns.
    @property
    def lost(self) -> int:
        return int(self.result.get("lost_deliveries", 0)) + int(self.result.get("unacked", 0))

    @property
    def duplicated(self) -> int:
        r = self.result
        stored = self.stored_rows - self.stored_distinct
        return stored + int(r.get("ack_id_changed", 0)) + int(r.get("live_duplicates", 0))

    @property
    def kb_per_connection(self) -> float:
        delta = sum(self.rss_peak_kb) - sum(self.rss_idle_kb)
        return delta / max(1, self.args.clients)


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` so far (from /proc; psutil is not installed)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def host_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])
    return total - idle, total


def clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COIL_")}
    env.update({"COIL_INSTANCE_PATH": str(tmp), "PYTHONUNBUFFERED": "1"})
    return env


class Redis:
    """A private redis-server (no persistence), so that no other program on this machine shares
    the ``flask-socketio`` pub/sub channel (pub/sub ignores Redis database numbers)."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("private redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --bare: the same protocol with nothing behind it (no token check, no database), to see what
# python-socketio alone does on this machine and that the generator is not the limit. Ids come
# from a counter (from Redis INCR with a queue, so they stay one increasing sequence).
BARE_SERVER = """
import itertools, sys, threading
mode, port, queue = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if mode == "eventlet":
    import eventlet; eventlet.monkey_patch()
elif mode == "gevent":
    from gevent import monkey; monkey.patch_all()
import socketio
from coil.server import make_listener
manager = socketio.RedisManager(queue) if queue else None
sio = socketio.Server(async_mode=mode, client_manager=manager, cors_allowed_origins="*")
if queue:
    import redis
    ids = redis.Redis.from_url(queue)
    next_id = lambda: ids.incr("bare:ids")
else:
    counter = itertools.count(1)
    next_id = lambda: next(counter)
lock = threading.Lock()
stored = {}

@sio.on("connect")
def connect(sid, environ, auth):
    return True

@sio.on("join")
def join(sid, data):
    sio.enter_room(sid, f"room:{data['room']}")
    return {"ok": True, "messages": [], "more": False}

@sio.on("send")
def send(sid, data):
    with lock:
        message = stored.get(data["client_id"])
        created = message is None
        if created:
            message = stored[data["client_id"]] = {
                "id": next_id(), "room_id": data["room"], "client_id": data["client_id"],
                "body": data["body"],
            }
    if created:
        sio.emit("message", {"type": "message", "op": "created", **message},
                 to=f"room:{data['room']}")
    return {"ok": True, "message": message}

def health(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]

app = socketio.WSGIApp(sio, health)
listener = make_listener("127.0.0.1", port)
if mode == "eventlet":
    import eventlet.greenio, eventlet.wsgi
    eventlet.wsgi.server(eventlet.greenio.GreenSocket(listener), app, log_output=False)
elif mode == "gevent":
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler
    pywsgi.WSGIServer(listener, app, handler_class=WebSocketHandler, log=None).serve_forever()
else:
    from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
    class Handler(WSGIRequestHandler):
        disable_nagle_algorithm = True
        def log_request(self, *args, **kwargs):
            pass
    server = ThreadedWSGIServer("127.0.0.1", port, app, handler=Handler, fd=listener.fileno())
    server.serve_forever()
"""


class Server:
    """One ``coil serve`` (or bare) process, its output in ``server-<port>.log``."""

    def __init__(self, env: dict[str, str], mode: str, tmp: Path, *, bare: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"server-{self.port}.log"
        self.log = self.log_path.open("w")
        if bare:
            queue = env.get("COIL_MESSAGE_QUEUE", "")
            command = [PYTHON, "-c", BARE_SERVER, mode, str(self.port), queue]
        else:
            command = [*COIL, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
            command += ["--async-mode", mode]
        self.process = subprocess.Popen(
            command,
            env={**env, "COIL_SITE_URL": self.url},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self.pid = self.process.pid

    def wait_ready(self, timeout: float = 60) -> None:
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(
            f"server on {self.url} did not answer /healthz: "
            + self.log_path.read_text(errors="replace")[-2000:]
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def scan_log(path: Path) -> tuple[dict[str, int], list[str]]:
    """Count warnings, errors and tracebacks in a server log; return the first few lines."""
    counts = {"ERROR": 0, "WARNING": 0, "Traceback": 0}
    problems: list[str] = []
    text = path.read_text(errors="replace")
    # eventlet's websocket prints this, without a newline, for every client that goes away
    noise = "socket shutdown error: [Errno 9] Bad file descriptor"
    if noise in text:
        counts["eventlet shutdown noise"] = text.count(noise)
        text = text.replace(noise, noise + "\n")
    for line in text.splitlines():
        hit = next((k for k in counts if f" {k} " in line or line.startswith(k)), None)
        if hit is None:
            continue
        counts[hit] += 1
        if len(problems) < 6:
            problems.append(f"{path.name}: {line[:300]}")
    return counts, problems


# --- one run ------------------------------------------------------------------------------


def stored_counts(url: str, client_ids: list[str]) -> tuple[int, int, int]:
    """(rows, distinct client ids, client ids missing) in ``messages`` for this run's sends."""
    from sqlalchemy import create_engine, text

    from config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT client_id FROM messages")).scalars().all()
    finally:
        engine.dispose()
    stored = set(rows)
    missing = sum(1 for c in client_ids if c not in stored)
    return len(rows), len(stored), missing


def spec_seconds(args: argparse.Namespace) -> float:
    return float(args.warmup + args.duration + args.drain + 1)


def run_once(spec: Spec, args: argparse.Namespace) -> Outcome:
    outcome = Outcome(spec, args)
    tmp = Path(tempfile.mkdtemp(prefix="coil-chat-bench-"))
    url = ""
    redis: Redis | None = None
    servers: list[Server] = []
    label = describe(spec)
    try:
        url = create_database("sqlite" if spec.bare else spec.db, tmp)  # bare: only the tokens
        env = clean_env(tmp)
        subprocess.run(
            [
                PYTHON,
                str(HERE / "chat_seed.py"),
                "--database-url",
                url,
                "--clients",
                str(args.clients),
                "--rooms",
                str(args.rooms),
                "--out",
                str(tmp / "world.json"),
            ],
            env={**env, "COIL_ENV": "development"},
            check=True,
            cwd=ROOT,
        )
        world = json.loads((tmp / "world.json").read_text())
        server_env = {
            **env,
            "COIL_ENV": "production",
            "COIL_SECRET_KEY": secrets.token_urlsafe(48),
            "COIL_DATABASE_URL": url,
            "COIL_CHAT_RATE_LIMIT": args.chat_rate_limit,
        }
        if spec.processes > 1 or args.queue:
            if args.redis_url:
                queue_url = args.redis_url
            else:
                redis = Redis(tmp)
                queue_url = redis.url
            server_env["COIL_MESSAGE_QUEUE"] = queue_url
        servers = [
            Server(server_env, spec.mode, tmp, bare=args.bare) for _ in range(spec.processes)
        ]
        for server in servers:
            server.wait_ready()
        time.sleep(1.0)  # let the start-up background work (cache warm-up) finish
        outcome.rss_idle_kb = [rss_kb(s.pid) for s in servers]

        config = {
            "urls": [s.url for s in servers],
            "clients": world["clients"],
            "rate": spec.rate,
            "duration": args.duration,
            "warmup": args.warmup,
            "drain": args.drain,
            "reconnect_every": spec.reconnect_every,
            "connect_concurrency": args.connect_concurrency,
            "deflate": args.deflate,
            "connect_timeout": CONNECT_TIMEOUT,
        }
        config_path = tmp / "client.json"
        config_path.write_text(json.dumps(config))
        config_path.chmod(0o600)
        print(f"--- {label}: {len(servers)} server(s) up, starting clients", file=sys.stderr)
        generator = subprocess.Popen(
            [args.node, *args.node_arg, str(CLIENT_SCRIPT), str(config_path)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert generator.stdout is not None
        # A run that hangs is ended: connecting, the run itself, the drain, and a margin.
        budget = CONNECT_TIMEOUT + spec_seconds(args) + 60
        watchdog = threading.Timer(budget, generator.kill)
        watchdog.daemon = True
        watchdog.start()
        peak = list(outcome.rss_idle_kb)
        sampling = threading.Event()

        def sample() -> None:
            while sampling.is_set():
                for i, s in enumerate(servers):
                    peak[i] = max(peak[i], rss_kb(s.pid))
                time.sleep(0.25)

        sampler = threading.Thread(target=sample, daemon=True)
        start: dict[str, Any] = {}
        for line in generator.stdout:
            word, _sep, rest = line.strip().partition(" ")
            if word == "READY":
                outcome.rss_ready_kb = [rss_kb(s.pid) for s in servers]
            elif word == "MEASURE_START":
                start = {
                    "wall": time.monotonic(),
                    "gen": cpu_seconds(generator.pid),
                    "servers": [cpu_seconds(s.pid) for s in servers],
                    "host": host_ticks(),
                }
                sampling.set()
                sampler.start()
            elif word == "MEASURE_END" and start:
                wall = time.monotonic() - start["wall"]
                outcome.generator_cpu = (cpu_seconds(generator.pid) - start["gen"]) / wall * 100
                outcome.server_cpu = [
                    (cpu_seconds(s.pid) - before) / wall * 100
                    for s, before in zip(servers, start["servers"], strict=True)
                ]
                busy, total = host_ticks()
                outcome.host_busy = (busy - start["host"][0]) / max(1, total - start["host"][1])
                outcome.host_busy *= 100
                sampling.clear()
            elif word == "RESULT":
                outcome.result = json.loads(rest)
        generator.wait()
        watchdog.cancel()
        sampling.clear()
        outcome.rss_peak_kb = peak
        if generator.returncode != 0 or not outcome.result:
            raise RuntimeError(f"load generator failed (exit {generator.returncode})")
        client_ids = outcome.result.pop("client_ids")
        if not args.bare:
            outcome.stored_rows, outcome.stored_distinct, outcome.stored_missing = stored_counts(
                url, client_ids
            )
        for i, s in enumerate(servers):
            if s.process.poll() is not None:
                outcome.log_problems.append(f"server {i} EXITED with {s.process.returncode}")
    except Exception as error:  # one failed run should not lose the matrix
        outcome.error = f"{type(error).__name__}: {error}"
    finally:
        for server in servers:
            server.stop()
        for server in servers:
            counts, problems = scan_log(server.log_path)
            for key, value in counts.items():
                outcome.log_counts[key] = outcome.log_counts.get(key, 0) + value
            outcome.log_problems.extend(problems)
        if redis is not None:
            redis.stop()
        if args.keep:
            print(f"--- kept {tmp} and database {url}", file=sys.stderr)
        else:
            if url:
                try:
                    drop_database(url)
                except Exception as error:
                    print(f"--- could not drop {url}: {error}", file=sys.stderr)
            shutil.rmtree(tmp, ignore_errors=True)
    return outcome


# --- output -------------------------------------------------------------------------------


def describe(spec: Spec) -> str:
    text = f"{spec.mode} x{spec.processes} {spec.db} {spec.rate}/s"
    if spec.bare:
        text = f"BARE python-socketio {spec.mode} x{spec.processes} {spec.rate}/s"
    if spec.reconnect_every:
        text += f" reconnect {spec.reconnect_every:g}s"
    return text


HEADER = (
    f"{'mode':<9} {'proc':>4} {'db':<8} {'clients':>7} {'rooms':>5} {'rate':>5} {'reconn':>6} "
    f"{'deliv/s':>8} {'sends/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'lost':>5} {'dup':>4} "
    f"{'reord':>5} {'gen%':>5} {'srv%':>5} {'RSS MB':>6} {'KB/conn':>7}"
)


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:.1f}"


def row(o: Outcome) -> str:
    s, a = o.spec, o.args
    reconn = f"{s.reconnect_every:g}s" if s.reconnect_every else "-"
    head = (
        f"{s.mode:<9} {s.processes:>4} {s.db:<8} {a.clients:>7} {a.rooms:>5} {s.rate:>5} "
        f"{reconn:>6} "
    )
    if not o.result:
        return head + f"FAILED: {o.error}"
    r = o.result
    lat = r["latency_ms"]
    lost = f"{o.lost}{'' if r['drained'] else '*'}"
    return head + (
        f"{r['deliveries_per_second']:>8.0f} {r['acks_per_second']:>7.0f} {_ms(lat['p50']):>7} "
        f"{_ms(lat['p95']):>7} {_ms(lat['p99']):>7} {lost:>6} {o.duplicated:>4} "
        f"{r['reordered']:>5} {o.generator_cpu:>5.0f} {sum(o.server_cpu):>5.0f} "
        f"{sum(o.rss_peak_kb) / 1024:>6.0f} {o.kb_per_connection:>7.0f}"
    )


def notes(o: Outcome) -> list[str]:
    if not o.result:
        return [f"{describe(o.spec)}: {o.error}", *o.log_problems]
    r = o.result
    lines = [
        f"{describe(o.spec)}: host {o.host_busy:.0f}% busy; server CPU "
        f"{' + '.join(f'{c:.0f}%' for c in o.server_cpu)}; generator {o.generator_cpu:.0f}% "
        f"(its own count {r['generator_cpu_percent']:.0f}%), schedule lag max "
        f"{r['max_schedule_lag_ms']:.0f} ms; ack p50/p99 {_ms(r['ack_latency_ms']['p50'])}/"
        f"{_ms(r['ack_latency_ms']['p99'])} ms; latency max {_ms(r['latency_ms']['max'])} ms; "
        f"drain {'complete' if r['drained'] else 'TIMED OUT'}",
        f"  sends {r['sends']}, acked {r['acked']}, stored rows {o.stored_rows} "
        f"(distinct client ids {o.stored_distinct}, never stored {o.stored_missing}); "
        f"lost deliveries {r['lost_deliveries']} at {r['clients_with_losses']} clients "
        f"({r['lost_skipped']} below the client's highest id, so no catch-up returns them; "
        f"{r['clients_not_in_room_at_end']} clients not back in their room at the end), "
        f"unacked {r['unacked']} {r['unacked_by_reason'] or ''}; dup: stored "
        f"{o.stored_rows - o.stored_distinct}, ack id changed {r['ack_id_changed']}, live "
        f"{r['live_duplicates']}; overlap {r['overlap']}; catch-up {r['catch_up']} msgs in "
        f"{r['catch_up_pages']} pages; reconnects {r['reconnects']} (drop to back in the room "
        f"p50/p99/max {_ms(r['reconnect_ms']['p50'])}/{_ms(r['reconnect_ms']['p99'])}/"
        f"{_ms(r['reconnect_ms']['max'])} ms); acked per second overall (first scheduled "
        f"send to last ack) {r['stored_per_second_overall']:.0f}",
        f"  errors: send {r['send_errors'] or 0} (resends {r['resends']}), join "
        f"{r['join_errors'] or 0}, connect {r['connect_errors']} "
        f"{r['connect_error_reasons'] or ''}, unexpected disconnects "
        f"{r['unexpected_disconnects']} {r['disconnect_reasons'] or ''}, foreign "
        f"{r['foreign']}; server log {o.log_counts}; RSS idle/ready/peak MB "
        f"{sum(o.rss_idle_kb) / 1024:.0f}/{sum(o.rss_ready_kb) / 1024:.0f}/"
        f"{sum(o.rss_peak_kb) / 1024:.0f} (connected, before sending: "
        f"{(sum(o.rss_ready_kb) - sum(o.rss_idle_kb)) / max(1, o.args.clients):.0f} KB/conn)",
    ]
    lines += [f"  {p}" for p in o.log_problems]
    for sample in r.get("lost_samples", [])[:3]:
        lines.append(f"  lost: {json.dumps(sample)}")
    if o.generator_cpu > GENERATOR_CEILING:
        lines.append(
            f"  WARNING: the load generator used {o.generator_cpu:.0f}% of a core (over "
            f"{GENERATOR_CEILING:.0f}%): it may be measuring itself; lower --rate or --clients"
        )
    return lines


def matrix(args: argparse.Namespace) -> list[Spec]:
    specs = [Spec(mode, 1, "sqlite") for mode in MODES]
    specs += [Spec(mode, 2, "postgres") for mode in MODES]
    every = args.reconnect_every or 1.0
    specs += [Spec(args.mode, 1, "sqlite", every), Spec(args.mode, 2, "postgres", every)]
    return specs


def plan(args: argparse.Namespace, rates: list[int]) -> list[Spec]:
    """Every run to make: the matrix or the one configuration, at each rate."""
    base = (
        matrix(args)
        if args.matrix
        else [Spec(args.mode, args.processes, args.db, args.reconnect_every)]
    )
    return [
        Spec(s.mode, s.processes, "-" if args.bare else s.db, s.reconnect_every, rate, args.bare)
        for s in base
        for rate in rates
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=MODES, default="threading")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument(
        "--rate", default="1000", help="messages per second in total (a list: 100,200,400)"
    )
    parser.add_argument("--duration", type=float, default=20, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3, help="seconds sent but not measured")
    parser.add_argument("--drain", type=float, default=20, help="seconds to wait for stragglers")
    parser.add_argument("--reconnect-every", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--matrix", action="store_true", help="the whole set of runs, one table")
    parser.add_argument("--queue", action="store_true", help="a Redis queue even for 1 process")
    parser.add_argument("--redis-url", default="", help="use this Redis instead of a private one")
    parser.add_argument("--chat-rate-limit", default="1000 per second")
    parser.add_argument(
        "--deflate", action="store_true", help="offer permessage-deflate, as browsers do"
    )
    parser.add_argument("--connect-concurrency", type=int, default=20)
    parser.add_argument("--node", default=shutil.which("node") or "node")
    parser.add_argument(
        "--node-arg", action="append", default=[], help="pass to node (e.g. --cpu-prof)"
    )
    parser.add_argument(
        "--bare",
        action="store_true",
        help="a bare python-socketio server (no auth, no database) instead of coil serve",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and db")
    args = parser.parse_args(argv)
    if args.clients % args.rooms:
        parser.error("--clients must be a multiple of --rooms")
    try:
        rates = [int(r) for r in args.rate.split(",")]
    except ValueError:
        parser.error("--rate takes whole numbers, separated by commas")

    specs = plan(args, rates)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.2f} before the first run; {args.clients} clients in "
        f"{args.rooms} rooms, {args.rate} msg/s for {args.warmup:g} s warm-up + "
        f"{args.duration:g} s measured",
        flush=True,
    )
    outcomes = []
    for spec in specs:
        outcome = run_once(spec, args)
        outcomes.append(outcome)
        if len(outcomes) == 1:
            print(HEADER)
        print(row(outcome), flush=True)
    print()
    print(HEADER)
    print("-" * len(HEADER))
    for outcome in outcomes:
        print(row(outcome))
    if any(o.result and not o.result["drained"] for o in outcomes):
        print(
            "* the drain timed out: messages still queued or in flight then are counted as "
            "lost; see the notes"
        )
    print()
    for outcome in outcomes:
        for line in notes(outcome):
            print(line)
    if any(o.generator_cpu > GENERATOR_CEILING for o in outcomes):
        print(f"\nWARNING: the generator exceeded {GENERATOR_CEILING:.0f}% of a core in a run.")


if __name__ == "__main__":
    main()
