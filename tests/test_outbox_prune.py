"""Acknowledged outbox entries are pruned: many sync rounds, some of them failing, and the file does not grow for them."""

import sqlite3
from pathlib import Path

import pytest

from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store
from preview_tui.sync.engine import SyncError, sync
from sync_helpers import outbox_states

pytestmark = pytest.mark.real

QUESTIONS = [f"q{i}" for i in range(25)]


def pages(db: Path) -> tuple[int, int, int]:
    """Bytes of the file, of the outbox (with its index) and of the audit log (with its indexes), the write-ahead log checkpointed as the store's auto-checkpoint would."""
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = con.execute("PRAGMA page_count").fetchone()[0] * con.execute("PRAGMA page_size").fetchone()[0]
        owners = dict(con.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
        by_table: dict[str, int] = {}
        for name, pgsize in con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            by_table[owners.get(name, name)] = by_table.get(owners.get(name, name), 0) + pgsize
    finally:
        con.close()
    assert Path(db).stat().st_size == size
    return size, by_table.get("sync_outbox", 0), by_table.get("audit_log", 0)


async def test_the_outbox_stays_flat_over_many_sync_rounds(tmp_path, central_url, pg_cluster):
    from pg import free_port

    db = tmp_path / "station.sqlite"
    upgrade(db)
    down = pg_cluster.url("postgres", port=free_port())  # nothing listens there: a sync fault
    sizes = []
    async with Store(db) as store:
        sid = await store.create_session(study_id="s", station="st", code="p")
        for round_ in range(40):
            # The participant goes back and answers the page again: new answers, the same rows.
            await store.save_answers(sid, "post", {q: round_ for q in QUESTIONS}, page_id="p")
            if round_ % 5 == 4:
                with pytest.raises(SyncError):
                    await sync(db, down, attempts=1)
                assert outbox_states(db) == {"pending": 2 * len(QUESTIONS) + 1}  # answers and their audit entries, and the page left: a fault keeps what was not sent
                continue
            await sync(db, central_url)
            assert outbox_states(db) == {}
            sizes.append(pages(db))
    (size2, outbox2, audit2), (size_n, outbox_n, audit_n) = sizes[1], sizes[-1]
    assert outbox_n <= outbox2  # the outbox's pages are reused, round after round
    # The file grows by what the audit log keeps (append-only), give or take a few pages, and by nothing else.
    assert size_n - size2 <= (audit_n - audit2) + 4 * 4096, (sizes[1], sizes[-1])
