"""The report's numbers from sessions scripted into a real station file, against values computed here.

The station holds five completed sessions, two screened out (under 18, a full
quota), one interrupted, a pilot (test) session and a withdrawn participant,
all with dial samples; the pilot and the withdrawn participant must never be
counted unless test data are asked for.
"""

import asyncio
from collections import Counter

import numpy as np
import pytest

from preview_tui.report import SourceError, build_report, read_sessions
from preview_tui.report.source import fetch_sessions
from preview_tui import seal
from preview_tui.seal import Sealer, generate, parse_private_key
from report_helpers import PRIVATE_KEY, afternoon


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    db = folder / "station.sqlite"
    info = asyncio.run(afternoon(folder / "study", db))
    return info | {"db": db}


def completed(station, key):
    return [post.get(key) for _, (_, _, post) in station["completed"].items() if key in post]


def dials(station, codes=None):
    return {code: dial for code, (_, dial, _) in station["completed"].items() if dial and (codes is None or code in codes)}


def expected_trace(per_person: list[list[int]], bin_ms=500, step_ms=100):
    """Each person's mean per bin, then mean and sample SD across persons (numpy, not the report's code)."""
    per_bin = bin_ms // step_ms
    nbins = max(-(-len(d) // per_bin) for d in per_person)
    means, sds, counts = [], [], []
    for k in range(nbins):
        values = np.array([np.mean(d[k * per_bin:(k + 1) * per_bin]) for d in per_person if len(d) > k * per_bin])
        counts.append(len(values))
        means.append(float(values.mean()))
        sds.append(float(values.std(ddof=1)) if len(values) > 1 else None)
    return means, sds, counts


def test_pilot_and_withdrawn_sessions_are_not_read(station):
    sessions = read_sessions(station["db"], "rs")
    codes = sorted(r.status for r in sessions.records)
    assert codes == ["completed"] * 5 + ["in_progress"] + ["screened_out"] * 2
    assert sessions.withdrawn == 1 and not sessions.include_test
    assert all(not r.is_test for r in sessions.records)
    with_test = read_sessions(station["db"], "rs", include_test=True)
    assert [r.id for r in with_test.records if r.is_test] == [station["pilot_id"]]


def test_distributions_nps_and_histogram_match_the_answers_given(station):
    report = build_report(station["study"], read_sessions(station["db"], "rs"))
    by_id = {q.id: q for q in report.questions}
    assert report.n == 5 and not report.include_test
    liked = completed(station, "liked")
    counts = Counter(liked)
    assert [(b.code, b.count) for b in by_id["liked"].bars] == [(p, counts[p]) for p in (1, 2, 3, 4, 5, "dont_know")]
    assert by_id["liked"].bars[-1].label == "Don't know"
    numbers = [v for v in liked if isinstance(v, int)]
    assert by_id["liked"].mean == pytest.approx(sum(numbers) / len(numbers))
    recommend = completed(station, "recommend")
    promoters, detractors = sum(v >= 9 for v in recommend), sum(v <= 6 for v in recommend)
    assert by_id["recommend"].nps == pytest.approx(100 * (promoters - detractors) / len(recommend))
    assert by_id["recommend"].nps_parts == (detractors, len(recommend) - promoters - detractors, promoters)
    chosen = Counter(code for v in completed(station, "elements") for code in v)
    assert {b.code: b.count for b in by_id["elements"].bars} == {c: chosen[c] for c in ("story", "music", "cast")}
    assert by_id["elements"].bars[0].percent == pytest.approx(100 * chosen["story"] / 5)
    tickets = completed(station, "tickets")
    assert by_id["tickets"].histogram.counts == [tickets.count(k) for k in range(11)]
    assert by_id["tickets"].median == float(np.median(tickets))
    vas = completed(station, "music_vas")
    assert by_id["music_vas"].histogram.counts == list(np.histogram(vas, bins=10, range=(0, 100))[0])
    for row, bars in zip(("pace", "cast"), (bars for _, bars in by_id["grid"].rows)):
        given = Counter(v[row] for v in completed(station, "grid"))
        assert [b.count for b in bars] == [given[1], given[2], given[3]]
    assert [b.count for b in by_id["rank"].bars] == [1, 1]  # A put "a" first, B put "b" first
    assert by_id["comments"].n == 1 and by_id["comments"].kind == "none"
    ages = Counter(pre["age_band"] for pre, _, _ in station["completed"].values())
    assert [b.count for b in by_id["age_band"].bars] == [0, ages[2], ages[3]]  # the screened out are not in the base


def test_outcomes_screen_outs_and_quota_cells(station):
    report = build_report(station["study"], read_sessions(station["db"], "rs"))
    assert dict(report.outcomes) == {"completed": 5, "screened out": 2, "interrupted or in progress": 1}
    assert dict(report.screen_outs) == {"under_18": 1, "quota_full": 1}
    pre = [p for p, _, _ in station["completed"].values()]
    cells = {c.cell: (c.count, c.target, c.full) for c in report.quotas}
    women = sum(p["gender"] == 1 for p in pre)
    assert cells["women"] == (women, 2, women >= 2)
    for g in (1, 2):
        for a in (2, 3):
            assert cells[f"cells[gender={g},age_band={a}]"] == (sum(p["gender"] == g and p["age_band"] == a for p in pre), 5, False)


def test_dial_mean_and_band_per_bin_overall(station):
    report = build_report(station["study"], read_sessions(station["db"], "rs"))
    (clip,) = report.clips
    means, sds, counts = expected_trace(list(dials(station).values()))
    assert clip.overall.n == 4 and report.bin_ms == 500
    assert clip.overall.times == [k * 0.5 for k in range(len(means))]
    assert clip.overall.mean == pytest.approx(means)
    assert clip.overall.sd == pytest.approx(sds)
    assert clip.overall.count == counts
    assert (clip.viewers, clip.completed, clip.mean_watched) == (4, 4, 100.0)
    assert "±1 SD" in report.band


def test_dial_split_by_an_answer(station):
    report = build_report(station["study"], read_sessions(station["db"], "rs"), split_by="gender", language="fr")
    (clip,) = report.clips
    assert [(t.label, t.n) for t in clip.split] == [("Femme", 2), ("Homme", 2)]  # E (prefer not to say) has no dial
    women = [pre["gender"] == 1 for pre, _, _ in station["completed"].values()]
    codes = [code for code, w in zip(station["completed"], women) if w]
    for trace, group in zip(clip.split, (codes, [c for c in station["completed"] if c not in codes])):
        means, sds, _ = expected_trace(list(dials(station, group).values()))
        assert trace.mean == pytest.approx(means)
        assert trace.sd == pytest.approx(sds)
    assert report.split_title == "Genre ?"
    with pytest.raises(ValueError, match="cannot split by 'comments'"):
        build_report(station["study"], read_sessions(station["db"], "rs"), split_by="comments")


def test_test_data_and_every_session_only_when_asked(station):
    with_test = build_report(station["study"], read_sessions(station["db"], "rs", include_test=True))
    assert with_test.n == 6 and with_test.include_test
    # The pilot (a man aged 18 to 34, completed) is in the numbers, never in a quota cell: the engine does not count it.
    plain = build_report(station["study"], read_sessions(station["db"], "rs"))
    assert with_test.n == plain.n + 1 and [(c.cell, c.count) for c in with_test.quotas] == [(c.cell, c.count) for c in plain.quotas]
    assert with_test.notices()[0].startswith("TEST DATA INCLUDED")
    people = list(dials(station).values()) + [[0] * 40]  # the pilot's dial
    assert with_test.clips[0].overall.mean == pytest.approx(expected_trace(people)[0])
    everyone = build_report(station["study"], read_sessions(station["db"], "rs"), base="all")
    people = list(dials(station).values()) + [station["interrupted_dial"]]
    assert everyone.clips[0].overall.mean == pytest.approx(expected_trace(people)[0])
    assert {q.id: q.n for q in everyone.questions}["age_band"] == 8
    assert not any("TEST DATA" in line for line in everyone.header())


async def test_a_sealed_answer_is_counted_as_sealed_or_opened_with_the_key(station):
    # money is sensitive: A answered 1 and D answered 2, both stored sealed.
    shut = build_report(station["study"], await fetch_sessions(station["db"], "rs"))
    money = {q.id: q for q in shut.questions}["money"]
    assert (money.n, money.sealed, [b.count for b in money.bars]) == (0, 2, [0, 0])
    assert "2 sealed" in money.summary()
    opened = build_report(station["study"], await fetch_sessions(station["db"], "rs", private_key=PRIVATE_KEY))
    money = {q.id: q for q in opened.questions}["money"]
    assert (money.n, money.sealed, [b.count for b in money.bars]) == (2, 0, [1, 1])
    assert seal.opened({"pace": 1}) == {"pace": 1} and seal.opened(Sealer(PRIVATE_KEY.public_key).seal(2)) is seal.SEALED
    with pytest.raises(SourceError, match="sealed answer"):
        await fetch_sessions(station["db"], "rs", private_key=parse_private_key(generate()[1]))


def test_the_station_file_is_only_read_whatever_its_name(station, tmp_path):
    import shutil

    from preview_tui.report import SourceError

    folder = tmp_path / "room 1#b?"
    folder.mkdir()
    db = folder / "station 1.sqlite"
    shutil.copy(station["db"], db)
    before = db.read_bytes()
    assert len(read_sessions(db, "rs").records) == 8
    assert db.read_bytes() == before
    with pytest.raises(SourceError, match="no station database at"):
        read_sessions(folder / "none.sqlite", "rs")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["room 1#b?"] and not (folder / "none.sqlite").exists()
