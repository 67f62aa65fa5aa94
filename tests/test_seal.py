"""Keys and sealed values: the key pair command, keys of the wrong kind, opening with the private key, and the study rules."""

import base64
import json
import re
import stat
import subprocess
import sys

import pytest

from preview_tui import seal
from preview_tui.survey.errors import StudyError
from preview_tui.survey.study import load_study
from studies import opts, page, q, write_study


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "preview_tui", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_keys_generate_writes_a_private_file_for_the_team_and_prints_the_public_line(tmp_path, demo_study):
    out = cli("keys", "generate", "--out", str(tmp_path / "team"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    private_file = tmp_path / "team" / "sealing.private-key"
    assert stat.S_IMODE(private_file.stat().st_mode) == 0o600
    line = re.search(r'public_key: "(x25519-public:[A-Za-z0-9+/=]+)"', out.stdout).group(1)
    assert (tmp_path / "team" / "sealing.public-key").read_text().strip() == line
    assert "x25519-private" not in out.stdout  # the private key is never printed
    private = seal.load_private_key(private_file)
    public = seal.parse_public_key(line)
    assert bytes(private.public_key) == bytes(public)  # a pair
    # Never overwritten, never inside a study folder.
    again = cli("keys", "generate", "--out", str(tmp_path / "team"), cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert seal.load_private_key(private_file).encode() == private.encode()
    inside = cli("keys", "generate", "--out", "keys", cwd=demo_study)
    assert inside.returncode == 1 and "inside the study folder" in inside.stderr
    assert not (demo_study / "keys").exists()


def test_sealed_value_opens_only_with_its_private_key():
    public, private = seal.generate()
    sealer = seal.Sealer(seal.parse_public_key(public))
    for value in (3, "prefer_not", ["a", "b"], {"r1": 2}, 1234.5, "Quäker, ∑ 😀"):
        stored = sealer.seal(value)
        assert seal.is_sealed(stored) and seal.is_sealed(__import__("json").dumps(stored))
        assert stored["alg"] == seal.ALG and stored["key"] == sealer.key_id
        assert seal.open_value(stored, seal.parse_private_key(private)) == value
        assert seal.opened(stored) is seal.SEALED
    assert seal.open_value(7, seal.parse_private_key(private)) == 7  # a plain value passes as it is
    assert not seal.is_sealed({"sealed": 1}) and not seal.is_sealed("not json")
    _, other = seal.generate()
    with pytest.raises(seal.SealError, match="another key"):
        seal.open_value(sealer.seal(3), seal.parse_private_key(other))
    damaged = dict(sealer.seal(3), sealed=base64.b64encode(b"x" * 120).decode())
    with pytest.raises(seal.SealError):
        seal.open_value(damaged, seal.parse_private_key(private))


def test_short_codes_seal_to_the_same_length():
    sealer = seal.Sealer.throwaway()
    assert len({len(sealer.seal(v)["sealed"]) for v in (1, 2, "prefer_not", "dont_know", 12.5)}) == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (None, "no public key"),
        ("", "no public key"),
        ("x25519-public:not base64!!", "is not base64"),
        ("x25519-public:" + base64.b64encode(b"k" * 16).decode(), "holds 16 bytes"),
        ("x25519-public:" + base64.b64encode(bytes(32)).decode(), "cannot seal"),  # a low-order point
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhl user@host", "SSH Ed25519 signing key"),
        ("ed25519:" + base64.b64encode(b"s" * 32).decode(), "Ed25519 signing key"),
        ("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----", "PEM"),
        (base64.b64encode(b"r" * 32).decode(), "should start with 'x25519-public:'"),
    ],
)
def test_a_public_key_that_cannot_be_used_says_why(text, reason):
    with pytest.raises(seal.SealKeyError, match=re.escape(reason)):
        seal.parse_public_key(text)


def test_a_private_key_where_the_public_key_belongs_is_refused():
    _, private = seal.generate()
    with pytest.raises(seal.SealKeyError, match="PRIVATE key"):
        seal.parse_public_key(private)


def test_private_key_file_errors_are_one_clear_line(tmp_path):
    public, _ = seal.generate()
    with pytest.raises(seal.SealKeyError, match="no private key file"):
        seal.load_private_key(tmp_path / "missing")
    (tmp_path / "pub").write_text(public)
    with pytest.raises(seal.SealKeyError, match="this is the public key"):
        seal.load_private_key(tmp_path / "pub")
    (tmp_path / "bin").write_bytes(b"\xff\xfe")
    with pytest.raises(seal.SealKeyError, match="cannot read"):
        seal.load_private_key(tmp_path / "bin")


def located(problems, pattern):
    return [str(p) for p in problems if re.search(pattern, str(p))]


def test_validate_reports_logic_that_would_store_a_sealed_answer_in_the_clear(tmp_path):
    public, _ = seal.generate()
    root = write_study(
        tmp_path / "s",
        [
            page("p1", q("faith", "single", sensitive="religion", options=opts(1, 2)), q("g", "single", options=opts(1, 2), screen_out=[{"when": "faith == 2", "reason": "x"}])),
            page("p2", q("h", "text"), calculate=[{"id": "devout", "value": "faith == 1"}], show_if="faith == 1"),
        ],
        quotas=[{"id": "q1", "when": "faith == 1", "target": 3}],
        sealing={"public_key": public},
    )
    with pytest.raises(StudyError) as caught:
        load_study(root)
    problems = caught.value.problems
    assert located(problems, r"surveys/s\.yaml:\d+:\d+: a screen-out may not use the sealed answer 'faith'")
    assert located(problems, r"surveys/s\.yaml:\d+:\d+: a calculation may not use the sealed answer 'faith'")
    assert located(problems, r"config\.yaml:\d+:\d+: quota 'q1' may not count the sealed answer 'faith'")
    assert len(problems) == 3  # the show_if is allowed: it reads the value from memory


def test_a_study_with_sensitive_questions_and_no_usable_key_loads_with_a_located_warning(tmp_path):
    pages = [page("p1", q("faith", "single", sensitive="religion", options=opts(1, 2)), q("note", "text", sealed=True, required=False))]
    study = load_study(write_study(tmp_path / "none", pages))
    assert study.sealing.sealed >= {"faith", "faith.other", "note"}
    assert "no sealing key" in study.sealing.problem
    assert located(study.warnings, r"config\.yaml:\d+:\d+: questions are marked sensitive \(e\.g\. 'faith', \S*surveys/s\.yaml:\d+:\d+\)")
    _, private = seal.generate()
    study = load_study(write_study(tmp_path / "private", pages, sealing={"public_key": private}))
    assert "PRIVATE key" in study.sealing.problem
    line = next(i for i, t in enumerate((tmp_path / "private" / "config.yaml").read_text().splitlines(), 1) if "public_key" in t)
    assert located(study.warnings, rf"config\.yaml:{line}:\d+: the sealing key cannot be used")
    out = cli("validate", cwd=tmp_path / "private")
    assert out.returncode == 1 and "the sealing key cannot be used" in out.stderr and "Traceback" not in out.stderr


def test_the_demo_study_seals_its_sensitive_questions_with_a_usable_key(demo_study):
    study = load_study(demo_study)
    assert study.sealing.problem is None and not study.warnings
    assert {"money_situation", "political_leaning"} <= study.sealing.sealed
    sensitive = {q.id: q.sensitive for _, _, q in study.questions() if q.sensitive}
    assert set(sensitive.values()) <= set(study.settings.consent.categories)
    assert not list(demo_study.rglob("*.private-key"))  # the demo's private key is not shipped
    assert "x25519-private" not in "".join(p.read_text(errors="ignore") for p in demo_study.rglob("*.yaml"))


def test_exports_and_reports_take_only_a_stored_object_for_sealed_never_a_text_answer():
    sealed = seal.Sealer.throwaway().seal(1)
    typed = json.dumps(sealed)  # a participant's free text that happens to look like a sealed value
    assert seal.opened(typed) == typed and seal.opened(typed, seal.parse_private_key(seal.generate()[1])) == typed
    assert seal.opened(sealed) is seal.SEALED and seal.opened(7) == 7
