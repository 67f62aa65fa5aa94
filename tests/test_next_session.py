"""The pilot choice is for one session: NextSession clears it once a session started, and keeps it
when the session could not start. On a real SQLite file."""

import pytest
import yaml

from conftest import rows
from preview_tui.db.migrate import upgrade
from preview_tui.db.store import InvitationRefused, Store, StoreError
from preview_tui.flow import Participant
from preview_tui.station.next_session import NextSession
from preview_tui.survey.study import load_study


async def test_a_pilot_lasts_one_session_and_a_refused_start_keeps_the_choice(demo_study, tmp_path):
    config = yaml.safe_load((demo_study / "config.yaml").read_text())
    config["study"]["invitations"] = True
    (demo_study / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    study = load_study(demo_study)
    db = tmp_path / "s.sqlite"
    upgrade(db)
    async with Store(db) as store:
        await store.import_invitations(study.id, ["INV-1", "INV-2"])
        choice = NextSession(pilot=True)
        real_create = store.create_session

        async def full_disk(**_):
            raise StoreError("database or disk is full")

        store.create_session = full_disk  # the one write that fails
        with pytest.raises(StoreError):
            await choice.start(study, store, Participant(code="INV-1"), station="t")
        assert choice.pilot  # not started: the moderator's choice stands for the next try
        store.create_session = real_create
        first = await choice.start(study, store, Participant(code="INV-1", is_test=False), station="t")
        assert first.pilot and not choice.pilot
        with pytest.raises(InvitationRefused):  # a live session again: invitations apply to it
            await choice.start(study, store, Participant(code="UNKNOWN", is_test=True), station="t")  # a stale flag is ignored
        second = await choice.start(study, store, Participant(code="INV-2"), station="t")
        assert not second.pilot
    assert rows(db, "select participant_code, is_test from sessions order by started_at") == [("INV-1", 1), ("INV-2", 0)]
