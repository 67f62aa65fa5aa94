"""Sealed answers through the real flow and store: no plain bytes anywhere on the station, fail closed, withdrawal, resume."""

import csv
import json
import logging
from pathlib import Path

import pytest

from conftest import rows
from preview_tui import seal
from preview_tui.db.audit import verify
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import Store, StoreError
from preview_tui.db.reader import Source
from preview_tui.export.run import export
from preview_tui.flow import Flow, Participant, SealingRefused
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study

# What the participant types or chooses for sensitive questions: distinctive, so a hit is never a coincidence.
FAITH, SPECIFY, INCOME, NOTE, ORIENTATION = "druid_zz42", "Moonlit-Grove-8813", 98765.4321, "whispered-secret-5521", "ace_zz31"
SECRETS = [FAITH, SPECIFY, repr(INCOME), NOTE, ORIENTATION]
PLAIN = "plain_zz77"  # a code of a question that is not sensitive: it must be found (the search works)


def make_study(root: Path, **study):
    faith = q("faith", "single", sensitive="religion", options=opts("quaker_zz41", FAITH, **{FAITH: {"other": True}}))
    return write_study(root, [
        page("p1", faith, q("g", "single", options=opts(PLAIN, "plain_zz78"))),
        page("p2", q("follow", "text", required=False, text="You chose {faith}."), show_if=f"faith == '{FAITH}'"),
        page("p3", q("income", "numeric", decimal=True, sensitive="finances"), q("note", "text", sealed=True, long=True),
             q("orientation", "single", sensitive="sexual_orientation", options=opts(ORIENTATION, "other_zz32"))),
        page("p4", q("end", "text", required=False)),
    ], **study)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """The per-user folders (data, logs) under a temporary home, with every log record the app makes kept in its log file."""
    root = tmp_path / "home"
    for var, sub in (("HOME", ""), ("XDG_DATA_HOME", ".local/share"), ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache"), ("XDG_CONFIG_HOME", ".config")):
        monkeypatch.setenv(var, str(root / sub))
    from preview_tui.settings import log_dir

    log_dir().mkdir(parents=True)
    handler = logging.FileHandler(log_dir() / "preview-tui.log")
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger()
    old_level, sa_level = logger.level, logging.getLogger("sqlalchemy.engine").level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every statement and its parameters, stricter than the app
    yield root
    logger.removeHandler(handler)
    handler.close()
    logger.setLevel(old_level)
    logging.getLogger("sqlalchemy.engine").setLevel(sa_level)


def station_file() -> Path:
    from preview_tui.settings import data_dir

    db = data_dir() / "station.sqlite"
    upgrade(db)
    return db


def found(folder: Path, needles: list[str]) -> dict[str, list[str]]:
    """Which needles occur in the raw bytes of which files under ``folder`` (UTF-8, and UTF-16 for good measure)."""
    hits: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for needle in needles:
            if needle.encode("utf-8") in data or needle.encode("utf-16-le") in data:
                hits.setdefault(needle, []).append(path.name)
    return hits


async def answer(flow: Flow, faith=FAITH) -> None:
    await flow.choose_language("en")
    await flow.consent(True)
    assert await flow.submit_page({"faith": faith, "faith.other": SPECIFY, "g": PLAIN}) == []
    assert flow.runner.text(flow.current.page.questions[0].text) == f"You chose {faith}."  # piping reads the value in memory
    assert await flow.submit_page({"follow": "fine"}) == []
    assert await flow.submit_page({"income": str(INCOME), "note": NOTE, "orientation": ORIENTATION}) == []


async def test_a_session_leaves_no_sensitive_plain_text_in_the_database_its_wal_the_logs_or_an_export(tmp_path, home):
    public, private = seal.generate()
    study = load_study(make_study(tmp_path / "s", sealing={"public_key": public}))
    db = station_file()
    async with Store(db) as store:
        flow = await Flow.start(study, store, Participant(code="P1"), station="t")
        await answer(flow)
        assert await flow.submit_page({}) == [] and flow.current.kind == "end"
        wal = Path(f"{db}-wal")
        assert wal.is_file() and wal.stat().st_size > 0  # searched while the store holds it open
        hits = found(home, SECRETS + [PLAIN])
        assert hits.pop(PLAIN) and PLAIN in wal.read_bytes().decode("latin-1")  # the search finds what is there
        assert hits == {}
    # An export without the private key, in every format: the other variables, and the sealed ones marked.
    # (Option labels come from the study itself, so the search there is for what only an answer holds.)
    await export(study, Source(db), home / "exports")
    assert {p.suffix for p in (home / "exports").iterdir()} == {".csv", ".json", ".sav", ".dta"}
    typed = [SPECIFY, repr(INCOME), NOTE, "follow"]
    hits = found(home, typed)
    assert set(hits) == {"follow"} and any(name.endswith(".csv") for name in hits["follow"]), hits  # the search finds what is there
    (row,) = list(csv.DictReader((home / "exports" / f"{study.id}.csv").open(newline="")))
    assert {k: row[k] for k in ("faith", "faith_specify", "income", "note", "orientation")} == dict.fromkeys(("faith", "faith_specify", "income", "note", "orientation"), "-97")
    assert row["follow"] == "fine" and row["g"] == "1"
    log = next(home.rglob("preview-tui.log")).read_text()
    assert "INSERT INTO sessions" in log and not [s for s in SECRETS if s in log]  # the log holds the statements, and none of the secrets
    # The answers are sealed in the file, the audit chain covers the sealed values, and the team's key opens them.
    values = {qid: json.loads(v) if isinstance(v, str) else v for qid, v in rows(db, "select question_id, value from answers")}
    assert {k for k, v in values.items() if seal.is_sealed(v)} == {"faith", "faith.other", "income", "note", "orientation"}
    assert verify(db).ok
    key = seal.parse_private_key(private)
    assert {k: seal.open_value(v, key) for k, v in values.items()} == {
        "faith": FAITH, "faith.other": SPECIFY, "g": PLAIN, "follow": "fine", "income": INCOME, "note": NOTE, "orientation": ORIENTATION,
    }
    assert dict(rows(db, "select question_id, sensitive from answers where sensitive is not null")) == {"faith": "religion", "faith.other": "religion", "income": "finances", "orientation": "sexual_orientation"}


async def test_withdrawal_erases_the_sealed_values(tmp_path, home):
    public, _ = seal.generate()
    study = load_study(make_study(tmp_path / "s", sealing={"public_key": public}))
    db = station_file()
    async with Store(db) as store:
        flow = await Flow.start(study, store, Participant(code="W1"), station="t")
        await answer(flow)
        sealed = [v["sealed"] for v in (await store.answers(flow.session_id)).values() if seal.is_sealed(v)]
        assert len(sealed) == 5 and found(home, sealed[:1])
        await store.withdraw(flow.session_id)
    assert rows(db, "select count(*) from answers") == [(0,)]
    assert found(db.parent, [s[:40] for s in sealed]) == {}  # not in free pages, nor in the WAL
    assert verify(db).ok


BAD_KEYS = {
    "no key": {},
    "broken key": {"sealing": {"public_key": "x25519-public:AAAA!!"}},
    "key that cannot seal": {"sealing": {"public_key": "x25519-public:" + "A" * 43 + "="}},
    "Ed25519 signing key": {"sealing": {"public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhlbGxv pilot@lab"}},
    "private key": {"sealing": {"public_key": seal.generate()[1]}},
}


@pytest.mark.parametrize("kind", BAD_KEYS)
async def test_without_a_usable_key_a_live_session_is_refused_and_a_pilot_seals_with_a_throwaway_key(tmp_path, home, kind):
    study = load_study(make_study(tmp_path / "s", **BAD_KEYS[kind]))
    assert study.sealing.problem and study.warnings
    db = station_file()
    async with Store(db) as store:
        with pytest.raises(SealingRefused, match="live sessions of study 't' are refused"):
            await Flow.start(study, store, Participant(code="LIVE"), station="t")
        assert rows(db, "select count(*) from sessions") == [(0,)]  # refused before anything was written
        flow = await Flow.start(study, store, Participant(code="PILOT", is_test=True), station="t")
        assert flow.throwaway_key
        await answer(flow)
        assert found(home, SECRETS) == {}
    assert rows(db, "select participant_code, is_test from sessions") == [("PILOT", 1)]
    assert all(seal.is_sealed(v) for (v,) in rows(db, "select value from answers where sensitive is not null"))


async def test_a_key_that_fails_mid_session_stops_the_page_and_writes_nothing_in_the_clear(tmp_path, home, monkeypatch):
    public, _ = seal.generate()
    study = load_study(make_study(tmp_path / "s", sealing={"public_key": public}))
    db = station_file()
    async with Store(db) as store:
        flow = await Flow.start(study, store, Participant(code="F1"), station="t")
        await flow.choose_language("en")
        await flow.consent(True)
        before = rows(db, "select count(*) from audit_log")

        def broken(self, value):
            raise seal.SealError("sealing failed: the key no longer works")

        monkeypatch.setattr(seal.Sealer, "seal", broken)
        with pytest.raises(seal.SealError):
            await flow.submit_page({"faith": FAITH, "faith.other": SPECIFY, "g": PLAIN})
        assert flow.current.page.id == "p1"  # the runner did not move on
        assert rows(db, "select count(*) from answers") == [(0,)] and rows(db, "select count(*) from audit_log") == before
        assert found(home, SECRETS + [PLAIN]) == {}  # not even the page's plain answer: the whole page waits
        # The store's own guard: a sensitive answer that arrives unsealed is refused, whoever sends it.
        with pytest.raises(StoreError, match="unsealed"):
            await store.save_answers(flow.session_id, "s", {"faith": FAITH, "g": PLAIN}, sensitive={"faith": "religion"})
        with pytest.raises(StoreError, match="unsealed"):
            await store.save_answers(flow.session_id, "s", {"note": NOTE}, sealed=["note"])
        assert rows(db, "select count(*) from answers") == [(0,)]
        assert found(home, SECRETS) == {}


async def test_a_resumed_session_asks_again_a_sealed_answer_that_later_logic_needs(tmp_path, home):
    public, private = seal.generate()
    study = load_study(make_study(tmp_path / "s", sealing={"public_key": public}))
    assert study.sealing.reask == {"faith"}  # read by p2's show_if and piped into its text
    db = station_file()
    async with Store(db) as store:
        flow = await Flow.start(study, store, Participant(code="R1"), station="t")
        await answer(flow)
        stored = await store.answers(flow.session_id)
    # The station is restarted: the participant's values in memory are gone.
    async with Store(db) as store:
        flow = await Flow.resume(study, store, flow.session_id)
        assert flow.reask == {"faith"} and flow.current.page.id == "p1"
        assert flow.runner.previous("g") == PLAIN and flow.runner.previous("faith") is None  # never shown sealed
        # Answered again, differently: the follow-up page no longer applies and its answer goes; p3 was stored and stays.
        assert await flow.submit_page({"faith": "quaker_zz41", "g": PLAIN}) == []
        assert flow.current.page.id == "p4"
        after = await store.answers(flow.session_id)
        await flow.submit_page({})
        assert flow.current.kind == "end"
    assert "follow" not in after and "faith.other" not in after
    assert after["income"] == stored["income"] and after["note"] == stored["note"]  # sealed, not needed: kept as stored
    assert after["faith"] != stored["faith"]
    key = seal.parse_private_key(private)
    assert seal.open_value(after["faith"], key) == "quaker_zz41" and seal.open_value(after["income"], key) == INCOME
    assert rows(db, "select status from sessions") == [("completed",)]
    assert verify(db).ok
    assert found(home, SECRETS + ["quaker_zz41"]) == {}


async def test_a_sealed_answer_that_no_logic_needs_is_not_asked_again(tmp_path, home):
    public, _ = seal.generate()
    study = load_study(make_study(tmp_path / "s", sealing={"public_key": public}))
    db = station_file()
    async with Store(db) as store:
        flow = await Flow.start(study, store, Participant(code="R2"), station="t")
        await answer(flow)
        assert flow.current.page.id == "p4"
        flow = await Flow.resume(study, store, flow.session_id)
        assert flow.reask == {"faith"} and flow.current.page.id == "p1"
        await flow.submit_page({"faith": FAITH, "faith.other": SPECIFY, "g": PLAIN})
        assert flow.current.page.id == "p4"  # p2 and p3 replayed from the store, p3's sealed answers untouched
