"""Sync under faults, against a real PostgreSQL: nothing lost, nothing doubled.

Three stations collect while syncs are interrupted:

- the ``preview-tui sync`` process is killed (SIGKILL) at random moments;
- the connection is dropped mid-batch, by ``pg_terminate_backend`` from another
  connection or by cutting a loopback TCP proxy in front of the server;
- the server is down when sync starts (the proxy does not listen), then back.

Afterwards one clean sync per station, and the central data must equal the
union of the stations' data: 0 missing, 0 duplicated. The counts are printed
(``pytest -s``). ``PREVIEW_TUI_SYNC_FAULTS`` multiplies the number of
interruptions (default 1: 30 kills, 15 drops, 5 outages = 50).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys

import asyncpg
import pytest

from preview_tui.sync.engine import SyncError, sync
from sync_helpers import central_data, fill_station, normalise, station_data, union

pytestmark = pytest.mark.real

SCALE = float(os.environ.get("PREVIEW_TUI_SYNC_FAULTS", "1"))
KILLS, DROPS, OUTAGES = int(30 * SCALE), int(15 * SCALE), int(5 * SCALE)


class Proxy:
    """A loopback TCP proxy to the server that can be down, and can cut every connection through it."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.server: asyncio.base_events.Server | None = None
        self.port: int | None = None
        self.pipes: set[asyncio.StreamWriter] = set()

    async def up(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port or 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        self.cut()

    def cut(self) -> int:
        n = len(self.pipes)
        for writer in list(self.pipes):
            writer.transport.abort()
        self.pipes.clear()
        return n

    async def _serve(self, reader, writer) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self.pipes |= {writer, up_writer}

        async def pump(src, dst):
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(Exception):
                dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        self.pipes -= {writer, up_writer}


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


async def _collect(db, rng, station):
    """The station goes on collecting between (and during) syncs; now and then a participant withdraws."""
    await fill_station(db, station=station, sessions=rng.randint(1, 3), seed=rng.randint(0, 10**9))
    if rng.random() < 0.25:
        from preview_tui.db.store import Store

        async with Store(db) as store:
            sessions = await store.list_sessions()
            await store.withdraw(rng.choice(sessions).id)


async def _in_flight(admin) -> bool:
    """Whether a sync is talking to the centre (its batches go from its first connection on)."""
    return bool(await admin.fetchval("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'preview-tui-sync'"))


async def test_sync_survives_kills_drops_and_outages(tmp_path, central_url, pg_cluster):
    rng = random.Random(int(os.environ.get("PREVIEW_TUI_SYNC_SEED", "6")))
    stations = {f"st{i}": tmp_path / f"st{i}.sqlite" for i in range(3)}
    for i, (name, db) in enumerate(stations.items()):
        await fill_station(db, station=name, sessions=12, seed=i)
    env = dict(os.environ, PREVIEW_TUI_CENTRAL_DATABASE=central_url, PREVIEW_TUI_SYNC_BATCH="15")
    counts = {"kills": 0, "kills_mid_batch": 0, "kills_missed": 0, "drops": 0, "outages": 0}

    # 1. SIGKILL of `preview-tui sync` at random moments (the first sync also creates the schema).
    admin = await asyncpg.connect(pg_cluster.dsn())
    proxy = Proxy(pg_cluster.port)
    try:
        attempts = 0
        while counts["kills"] < KILLS and attempts < KILLS * 4:
            attempts += 1
            name = rng.choice(list(stations))
            await _collect(stations[name], rng, name)
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "preview_tui", "--database", str(stations[name]), "sync", "--no-progress",
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            if attempts % 3:
                # Most kills land while batches go: wait for the first one, then a random moment.
                for _ in range(400):
                    if proc.returncode is not None or await _in_flight(admin):
                        break
                    await asyncio.sleep(0.01)
                await asyncio.sleep(rng.uniform(0, 0.08))
            else:
                await asyncio.sleep(rng.uniform(0.3, 1.5))  # start-up, connection, schema
            mid_batch = await _in_flight(admin)
            if proc.returncode is None:
                proc.send_signal(signal.SIGKILL)
                counts["kills"] += 1
                counts["kills_mid_batch"] += mid_batch
            else:
                counts["kills_missed"] += 1
            await proc.wait()
            for _ in range(200):  # the server notices the killed client's connection gone
                if not await _in_flight(admin):
                    break
                await asyncio.sleep(0.01)

        # 2. The connection dropped mid-batch: the server ends the backend, or the network goes.
        await proxy.up()
        proxied = pg_cluster.url(central_url.rsplit("/", 1)[1], port=proxy.port)
        n = -1
        while counts["drops"] < DROPS and n < DROPS * 4:  # a sync can end before the drop comes: it is tried again
            n += 1
            name = rng.choice(list(stations))
            await _collect(stations[name], rng, name)
            run = asyncio.create_task(sync(stations[name], proxied, batch_size=25, attempts=6, backoff=0.05))
            collecting = asyncio.create_task(_collect(stations[name], rng, name))  # the station keeps collecting meanwhile
            dropped = 0
            while not run.done() and not dropped:
                await asyncio.sleep(rng.uniform(0.01, 0.15))
                if n % 3 == 2:
                    dropped = proxy.cut()
                else:
                    dropped = len(await admin.fetch("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'preview-tui-sync'"))
            counts["drops"] += bool(dropped)
            with contextlib.suppress(SyncError):
                await run
            await collecting

        # 3. The server down when sync starts, then back: the sync's backoff waits for it.
        for n in range(OUTAGES):
            name = rng.choice(list(stations))
            await _collect(stations[name], rng, name)
            await proxy.down()
            if n % 2:
                # Down for good this time: the sync says why and stops; the next one sends it all.
                with pytest.raises(SyncError, match="cannot be reached|broke"):
                    await sync(stations[name], proxied, attempts=2, backoff=0.05)
                await proxy.up()
            else:
                run = asyncio.create_task(sync(stations[name], proxied, attempts=8, backoff=0.05))
                await asyncio.sleep(rng.uniform(0.2, 0.6))
                await proxy.up()
                await run
            counts["outages"] += 1
    finally:
        await admin.close()
        await proxy.down()

    # Recovery: one clean sync per station; the centre then holds exactly the union.
    for db in stations.values():
        report = await sync(db, central_url)
        assert not report.conflicts and not report.rejected, report.summary()
    central, rows = await central_data(_dsn(central_url))
    expected = normalise(union(*(station_data(db) for db in stations.values())))
    missing = {t: len(expected[t] - central[t]) for t in expected}
    extra = {t: len(central[t] - expected[t]) for t in expected}
    duplicated = {t: rows[t] - len(central[t]) for t in expected}
    interruptions = counts["kills"] + counts["drops"] + counts["outages"]
    print(f"\nsync faults: {interruptions} interruptions ({counts}); records per table {({t: len(v) for t, v in expected.items()})}; missing {sum(missing.values())}, extra {sum(extra.values())}, duplicated {sum(duplicated.values())}")
    assert missing == {t: 0 for t in expected}
    assert extra == {t: 0 for t in expected}
    assert duplicated == {t: 0 for t in expected}
    assert interruptions >= int(50 * SCALE) - 2, counts  # a kill that came after the sync had ended does not count
