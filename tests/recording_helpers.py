"""A study with recording questions, and a participant who records through the real capture, flow and store."""

from __future__ import annotations

from pathlib import Path

import av

from preview_tui import seal
from preview_tui.db.migrate import upgrade
from preview_tui.flow import Flow
from preview_tui.playback.capture import AvCapture, synthetic_sources
from preview_tui.station.recording import Take
from preview_tui.survey.study import Study, load_study
from studies import config, page, q, write_study

CATEGORIES = config()["study"]["consent"]["categories"] + ["audio_visual"]


def recording_study(root: Path, public_key: str, **study) -> Path:
    return write_study(root, [
        page("p1", q("face", "recording", video=True, max_seconds=1, retake=False)),
        page("p2", q("voice", "recording", video=False, max_seconds=30)),
        page("p3", q("note", "text", required=False)),
    ], consent={"version": "1", "text": "ok?", "categories": CATEGORIES}, sealing={"public_key": public_key}, **study)


def station_file(tmp_path: Path) -> Path:
    """An empty station file, migrated."""
    db = tmp_path / "station.sqlite"
    upgrade(db)
    return db


def recording_station(tmp_path: Path) -> tuple[Study, Path, str]:
    """The recording study sealed to a new key pair, and an empty station file: (study, station file, private key)."""
    public, private = seal.generate()
    return load_study(recording_study(tmp_path / "s", public)), station_file(tmp_path), private


def take_for(flow: Flow, question_id: str, capture=None) -> Take:
    return Take(flow.store, flow.session_id, flow.sealer, flow.study.question(question_id), capture or AvCapture(synthetic_sources()))


async def record_and_keep(flow: Flow, question_id: str) -> dict:
    """Record the current page's recording question to its end (its max_seconds) and keep it; the answer."""
    take = take_for(flow, question_id)
    take.start()
    assert take.capture.wait(timeout=60)
    await take.stop()
    assert take.problem is None, take.problem
    return await take.keep()


async def record_for(flow: Flow, question_id: str, seconds: float) -> dict:
    """Record for ``seconds`` (well under its max_seconds), stop and keep it; the answer."""
    import asyncio

    take = take_for(flow, question_id)
    take.start()
    while take.capture.elapsed() < seconds:
        await asyncio.sleep(0.05)
    await take.stop()
    assert take.problem is None, take.problem
    return await take.keep()


def media_facts(path: Path) -> dict:
    """What FFmpeg reads in a media file: its streams and duration."""
    with av.open(str(path)) as media:
        return {"streams": sorted(s.type for s in media.streams), "seconds": media.duration / 1e6 if media.duration else 0.0,
                "frames": sum(1 for _ in media.decode(video=0)) if media.streams.video else 0}
