"""Counterbalancing across two stations through a real PostgreSQL central database, and offline."""

from __future__ import annotations

import json
import random
import socket
import time

import pytest

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.sync.balance import CentralBalance
from preview_tui.sync.engine import sync
from test_counterbalancing import assert_balanced, completers_orders, study_in, take

pytestmark = pytest.mark.real


def counted(db) -> list[str]:
    return [json.loads(d).get("counted") for (d,) in rows(db, "select detail from events where kind = 'order_shown' order by at")]


async def test_two_stations_balance_the_orders_between_them(tmp_path, central_url):
    study = study_in(tmp_path)
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    upgrade(a)
    upgrade(b)
    rng = random.Random(3)
    balance = CentralBalance(central_url, timeout=10)  # generous: the machine may be loaded
    async with Store(a) as store:
        for n in range(3):
            await take(study, store, f"A{n}", "complete", rng, balance=balance)
        await take(study, store, "A-out", "screen_out", rng, balance=balance)
    assert (await sync(a, central_url)).total > 0
    async with Store(b) as store:
        for n in range(2):  # the centre has station A's three orders: B goes on with the next rows
            await take(study, store, f"B{n}", "complete", rng, balance=balance)
        await take(study, store, "B-pilot", "pilot", rng, balance=balance)
    assert not set(completers_orders(a)) & set(completers_orders(b))
    assert (await sync(b, central_url)).total > 0
    async with Store(a) as store:
        await take(study, store, "A3", "complete", rng, balance=balance)
    both = completers_orders(a) + completers_orders(b)
    assert sorted(both.values()) == [1] * 6  # six completers on two stations, the six rows of the square
    assert set(counted(a)) == set(counted(b)) == {"central+local"}


async def test_an_unreachable_centre_falls_back_to_the_station_within_its_timeout(tmp_path):
    study = study_in(tmp_path)
    db = tmp_path / "station.sqlite"
    upgrade(db)
    silent = socket.socket()  # accepts connections and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        port = silent.getsockname()[1]
        balance = CentralBalance(f"postgresql+asyncpg://u:p@127.0.0.1:{port}/central", timeout=0.5)
        rng = random.Random(0)
        async with Store(db) as store:
            started = time.monotonic()
            flow = await take(study, store, "O0", "complete", rng, balance=balance)
            took = time.monotonic() - started
            assert flow.balance_source == "local"
            for n in range(1, 6):
                await take(study, store, f"O{n}", "complete", rng, balance=balance)
    finally:
        silent.close()
    assert took < 10  # six timeouts of 0.5 s, not a hang
    assert set(counted(db)) == {"local"}
    assert_balanced(completers_orders(db))
    assert len(completers_orders(db)) == 6
