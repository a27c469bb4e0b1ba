"""The extraction rule files: validation by the loader, and the rules really coming from the data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidance_parser import pipeline, rules
from guidance_parser.extract import build_nlp
from guidance_parser.rules import RulesError

SHIPPED = Path(rules.__file__).resolve().parent


@pytest.fixture
def rules_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped rules, in use through $GUIDANCE_RULES_DIR while the test runs."""
    folder = tmp_path / "rules"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setenv(rules.RULES_ENV, str(folder))
    rules.reload()
    build_nlp.cache_clear()
    yield folder
    monkeypatch.delenv(rules.RULES_ENV)
    rules.reload()
    build_nlp.cache_clear()


def _cues(text: str) -> list[tuple[str, str]]:
    doc = build_nlp()(text)
    return sorted((s.text, s.label_) for s in doc.spans["cues"])


def _quantities(text: str) -> list[tuple[str, str]]:
    doc = build_nlp()(text)
    return [(s.text, s.label_) for s in doc.spans["quantities"]]


def test_shipped_rules_load() -> None:
    phrases = rules.cue_phrases()
    assert set(phrases) == rules.CUE_LABELS
    assert "at least" in phrases["MIN"]
    assert {p["label"] for p in rules.quantity_patterns({"MULTIPLIERS": ["m"], "DURATION_UNITS": ["days"],
                                                          "RELATIVE_CHANGES": ["double"]})} \
        == rules.QUANTITY_LABELS
    assert "contributions" in rules.words("non_commitment_count_nouns")
    assert rules.pattern("scope").search("every trust will")


def test_unknown_cue_label_is_rejected_naming_the_valid_ones(rules_copy: Path) -> None:
    with (rules_copy / "cues.toml").open("a") as fh:
        fh.write('\n[COMMITT]\nphrases = ["pledge"]\n')
    with pytest.raises(RulesError) as e:
        rules.cue_phrases()
    message = str(e.value)
    assert "cues.toml" in message and "'COMMITT'" in message
    assert "COMMIT" in message.split("valid:")[1] and "MODAL" in message.split("valid:")[1]


def test_unknown_key_and_word_list_are_rejected(rules_copy: Path) -> None:
    text = (rules_copy / "quantities.toml").read_text()
    (rules_copy / "quantities.toml").write_text(text.replace("[SMALLCOUNT]\n", "[SMALLCOUNT]\nexamples = []\n"))
    with pytest.raises(RulesError, match=r"unknown key 'examples'.*valid: patterns"):
        rules.quantity_patterns({})
    (rules_copy / "quantities.toml").write_text(text)
    rules.reload()
    with pytest.raises(RulesError, match=r"unknown word list 'MULTIPLIERS'.*valid: DURATION_UNITS"):
        rules.quantity_patterns({"DURATION_UNITS": ["days"]})
    with pytest.raises(RulesError, match=r"unknown word list 'comparatives'.*valid: build_verbs"):
        rules.words("comparatives")


def test_malformed_toml_names_the_file(rules_copy: Path) -> None:
    (rules_copy / "extraction.toml").write_text("[words\ncomparative = [")
    with pytest.raises(RulesError, match=r"extraction\.toml.*cannot be read as TOML"):
        rules.words("comparative")


def test_bad_regex_and_bad_token_pattern_name_the_file(rules_copy: Path) -> None:
    text = (rules_copy / "extraction.toml").read_text()
    (rules_copy / "extraction.toml").write_text(text.replace(
        "regex = '\\b(priorit(y|ies)|objectives?|ambitions?|success measures?)\\b'", "regex = '(unclosed'"))
    with pytest.raises(RulesError, match=r"extraction\.toml.*priority_intro.*does not compile"):
        rules.pattern("priority_intro")
    text = (rules_copy / "quantities.toml").read_text()
    (rules_copy / "quantities.toml").write_text(text.replace("{ORTH = \"%\"}", "{ORHT = \"%\"}", 1))
    with pytest.raises(RulesError, match=r"quantities\.toml.*not a spaCy token pattern"):
        build_nlp()


def test_cues_come_from_the_data(rules_copy: Path) -> None:
    sentence = "Trusts pledge to cut waits."
    assert ("pledge", "COMMIT") not in _cues(sentence)
    text = (rules_copy / "cues.toml").read_text()
    commit = 'phrases = [\n    "will", "shall"'
    (rules_copy / "cues.toml").write_text(text.replace(commit, commit.replace('"will"', '"pledge", "will"'), 1))
    rules.reload()
    build_nlp.cache_clear()
    assert ("pledge", "COMMIT") in _cues(sentence)


def test_quantities_come_from_the_data(rules_copy: Path) -> None:
    sentence = "Raise coverage by 12 basis points."
    assert ("12 basis points", "POINTS") not in _quantities(sentence)
    text = (rules_copy / "quantities.toml").read_text()
    (rules_copy / "quantities.toml").write_text(text.replace(
        "patterns = [\n    [{LIKE_NUM = true}, {ORTH = \"%\"}, {LOWER = {IN = [\"point\"",
        "patterns = [\n    [{LIKE_NUM = true}, {LOWER = \"basis\"}, {LOWER = \"points\"}],\n"
        "    [{LIKE_NUM = true}, {ORTH = \"%\"}, {LOWER = {IN = [\"point\"", 1))
    rules.reload()
    build_nlp.cache_clear()
    assert _quantities(sentence) == [("12 basis points", "POINTS")]  # the longest match wins over "12"


def test_edited_rules_change_the_cache_key(rules_copy: Path) -> None:
    before = rules.rules_hash(), pipeline.stage_fingerprint("ingest"), pipeline.stage_fingerprint("extract")
    with (rules_copy / "extraction.toml").open("a") as fh:
        fh.write("\n# a comment\n")
    rules.reload()
    after = rules.rules_hash(), pipeline.stage_fingerprint("ingest"), pipeline.stage_fingerprint("extract")
    assert all(a != b for a, b in zip(before, after, strict=True))


def test_a_broken_rule_file_is_a_one_line_cli_error(rules_copy: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import cli

    src = tmp_path / "guidance.txt"
    src.write_text("NHS planning guidance 2025/26\n\nTrusts will cut waits to 65% by March 2026.\n", encoding="utf-8")
    (rules_copy / "cues.toml").write_text('[COMMITT]\nphrases = ["pledge"]\n')
    code = cli.main(["extract", str(src), "--no-cache"])
    err = capsys.readouterr().err.strip()
    assert code != 0 and len(err.splitlines()) == 1 and "Traceback" not in err
    assert "cues.toml" in err and "'COMMITT'" in err and "valid: BASELINE, COMMIT" in err


def test_a_quantity_pattern_without_a_number_is_rejected(rules_copy: Path) -> None:
    """Passages without a number skip the quantity matcher, so a pattern that needs none would silently miss."""
    text = (rules_copy / "quantities.toml").read_text()
    small = "patterns = [\n    [{TEXT = {REGEX = '^[1-9]"
    assert small in text
    dozen = small.replace("[\n", '[\n    [{LOWER = "dozen"}],\n')
    (rules_copy / "quantities.toml").write_text(text.replace(small, dozen))
    with pytest.raises(RulesError, match=r"quantities\.toml.*SMALLCOUNT.*no number token"):
        build_nlp()


def _gate_agrees(texts: list[str]) -> None:
    """The quantity gate (skip passages without a number) finds exactly what the ruler alone finds."""
    nlp = build_nlp()
    gate = nlp.get_pipe("guidance_quantities")
    for text in texts:
        gated_doc, full_doc = gate(nlp.make_doc(text)), gate.ruler(nlp.make_doc(text))
        gated = [(s.start, s.end, s.label_) for s in gated_doc.spans["quantities"]]
        full = [(s.start, s.end, s.label_) for s in full_doc.spans["quantities"]]
        assert gated == full, text


def test_quantity_gate_agrees_with_the_full_search_on_the_corpus() -> None:
    from conftest import corpus_file

    text = corpus_file("nhs-medium-term-planning-framework-2026-27-to-2028-29.md").read_text(encoding="utf-8")
    _gate_agrees([p for p in text.split("\n\n") if p.strip()])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["ten", "million", "£", "5", "%", "per", "cent", "12,000", "2-hour", "weeks", "a",
                                 "percentage", "points", "bn", "£2.5bn", "one", "hundred", "2025", "-"]),
                max_size=12).map(" ".join))
def test_quantity_gate_agrees_with_the_full_search(text: str) -> None:
    _gate_agrees([text])


def test_a_headline_weight_out_of_range_is_rejected(rules_copy: Path) -> None:
    """The briefing ranks by metrics.toml's headline weights, so a weight it cannot read is refused."""
    assert {m.id: m.headline for m in rules.metrics()}["uec.ae_4h"] == rules.HEADLINE_MAX
    text = (rules_copy / "metrics.toml").read_text()
    head = 'id = "uec.ae_4h"\nname = "A&E: patients seen within 4 hours"\nheadline = '
    assert f"{head}3" in text
    (rules_copy / "metrics.toml").write_text(text.replace(f"{head}3", f"{head}7", 1))
    rules.reload()
    with pytest.raises(RulesError, match=r"metrics\.toml:metric\[0\]\.headline.*0 to 3"):
        rules.metrics()
