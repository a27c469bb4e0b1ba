"""Exports: schema validity, schema/model agreement, CSV and JSONL shapes, stable ids, atomic writes."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from pathlib import Path

import jsonschema
import pytest
from test_diff_helpers import deadline, edition, priority, target

from guidance_parser import export, model
from guidance_parser.diff import diff_editions
from guidance_parser.errors import GuidanceError

AE = "patients admitted, discharged and transferred from A&E within 4 hours"
HOSTILE = '=HYPERLINK("http://evil.example","x") <script>alert(1)</script>'


def _editions():
    e1 = edition("2025/26", [target(AE, 78, deadline="2026-03", scope="nationally"),
                             target("UCR two-hour standard", 70, deadline="2025-12")],
                 [deadline("Submit final operational plans", "2025-03")],
                 [priority("Improve A&E waiting times")])
    e2 = edition("2026/27", [target(AE, 82, deadline="2027-03", scope="every trust", sentence=HOSTILE),
                             target("Category 2 ambulance response times", 30, "minutes")],
                 [deadline("Submit final operational plans", "2026-02")],
                 [priority("Improve A&E waiting times")])
    return [e1, e2]


def test_payloads_validate_and_round_trip_through_json():
    eds = _editions()
    x = export.extraction_payload([e for _, e in eds])
    d = export.diff_payload(diff_editions(eds))
    for data, kind in ((x, "extraction"), (d, "diff")):
        again = json.loads(export.to_json(data))
        export.validate(again, kind)
        jsonschema.validate(again, export.schema())  # the top-level oneOf accepts both documents


def test_validation_rejects_wrong_data():
    d = export.diff_payload(diff_editions(_editions()))
    d["pairs"][0]["changes"][0]["kind"] = "renamed"
    with pytest.raises(jsonschema.ValidationError):
        export.validate(d, "diff")
    x = export.extraction_payload([_editions()[0][1]])
    x["extractions"][0]["targets"][0]["deadline"]["start"] = "March 2026"  # not an ISO date
    with pytest.raises(jsonschema.ValidationError):
        export.validate(x, "extraction")
    del x["extractions"][0]["targets"][0]["metric"]
    with pytest.raises(jsonschema.ValidationError):
        export.validate(x, "extraction")


@pytest.mark.parametrize("cls", [model.Evidence, model.When, model.Target, model.Deadline, model.Priority,
                                 model.DocumentRef, model.Extraction, model.FieldChange, model.Change,
                                 model.TextOp, model.SectionDiff, model.EditionDiff, model.TimelinePoint,
                                 model.TimelineEntry])
def test_schema_describes_every_model_field(cls):
    """Fails when a field is added to model.py without updating schema.json (the published contract)."""
    props = export.schema()["$defs"][cls.__name__]["properties"]
    assert set(props) == {f.name for f in dataclasses.fields(cls)}


def test_schema_command_text_is_valid_json_schema():
    data = json.loads(export.schema_text())
    jsonschema.validators.validator_for(data).check_schema(data)


def test_jsonl_lines_each_validate():
    eds = _editions()
    for line in export.extraction_jsonl([e for _, e in eds]).splitlines():
        export.validate(json.loads(line), "extraction_line")
    lines = export.diff_jsonl(diff_editions(eds)).splitlines()
    assert len(lines) == sum(len(p.changes) for p in diff_editions(eds).pairs)
    for line in lines:
        export.validate(json.loads(line), "diff_line")


def test_extraction_csv_one_row_per_record_in_fixed_columns():
    eds = _editions()
    text = export.extraction_csv([e for _, e in eds])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == export.EXTRACTION_COLUMNS
    assert len(rows) == sum(len(e.targets) + len(e.deadlines) + len(e.priorities) for _, e in eds)
    ae = [r for r in rows if r["text"].startswith(AE)]
    assert [r["value"] for r in ae] == ["78", "82"] and ae[0]["deadline_end"] == "2026-03-31"
    assert [r["text"] for r in ae] == [f"{AE}: 78%", f"{AE}: 82%"]  # the text says the value too


def test_diff_csv_rows_and_formula_guard():
    result = diff_editions(_editions())
    rows = list(csv.DictReader(io.StringIO(export.diff_csv(result))))
    assert list(rows[0]) == export.DIFF_COLUMNS
    assert len(rows) == len(result.pairs[0].changes)
    ae = next(r for r in rows if r["label"] == AE)
    assert (ae["change"], ae["old_value"], ae["new_value"]) == ("changed", "78", "82")  # numbers
    assert (ae["old_unit"], ae["old_value_text"], ae["new_value_text"]) == ("%", "78%", "82%")
    assert (ae["old_deadline_end"], ae["new_deadline_end"]) == ("2026-03-31", "2027-03-31")
    assert ae["aspects"] == "value;deadline_later;scope"
    assert ae["new_sentence"].startswith("'=HYPERLINK")  # a spreadsheet must not run it as a formula
    assert {r["change"] for r in rows} == {"changed", "added", "dropped", "unchanged"}


def test_ids_are_stable_across_reruns_and_editions():
    a = export.diff_csv(diff_editions(_editions()))
    b = export.diff_csv(diff_editions(_editions()))
    assert a == b
    result = diff_editions(_editions())
    ae = next(c for c in result.pairs[0].changes if c.label == AE)
    assert ae.id == ae.old.id  # type: ignore[union-attr]


def test_write_atomic_replaces_whole_file(tmp_path: Path):
    out = tmp_path / "report.html"
    out.write_text("old")
    export.write_atomic(out, "new text ✓")
    assert out.read_text(encoding="utf-8") == "new text ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_write_atomic_failure_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch):
    out = tmp_path / "data.json"
    out.write_text("previous")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(GuidanceError, match="cannot write"):
        export.write_atomic(out, "partial")
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


def test_write_atomic_missing_folder_is_a_guidance_error(tmp_path: Path):
    with pytest.raises(GuidanceError, match="folder does not exist"):
        export.write_atomic(tmp_path / "nope" / "x.csv", "a")


def test_diff_summary_line():
    s = export.diff_summary(diff_editions(_editions()))
    assert s.startswith("2025/26 -> 2026/27:") and "1 added" in s and "1 dropped" in s


def test_cli_extract_outputs_validate(tmp_path: Path, monkeypatch):
    """`guidance extract` JSON / JSONL / CSV on the demo Markdown sources: valid, one row per record."""
    from cli import main

    src = sorted((Path(__file__).resolve().parent.parent / "corpora" / "demo" / "src").glob("*.md"))
    if len(src) < 2:
        pytest.skip("demo sources not present under corpora/demo/src")
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    files = [str(f) for f in src]
    js, jl, cs = tmp_path / "x.json", tmp_path / "x.jsonl", tmp_path / "x.csv"
    for fmt, out in (("json", js), ("jsonl", jl), ("csv", cs)):
        assert main(["extract", *files, "--format", fmt, "-o", str(out), "-j", "1"]) == 0
    data = json.loads(js.read_text(encoding="utf-8"))
    export.validate(data, "extraction")
    n = sum(len(x["targets"]) + len(x["deadlines"]) + len(x["priorities"]) for x in data["extractions"])
    lines = jl.read_text(encoding="utf-8").splitlines()
    assert len(lines) == n and n > 0
    for line in lines:
        export.validate(json.loads(line), "extraction_line")
    rows = list(csv.DictReader(cs.open(encoding="utf-8")))
    assert len(rows) == n and [r["id"] for r in rows] == [json.loads(x)["record"]["id"] for x in lines]


def test_every_text_cell_of_a_csv_is_quoted_and_numbers_are_not():
    rows = [{"id": "t-1", "text": "Cut waits;=cmd|' /C calc'!A0", "value": 78.0, "page": 3, "unit": None,
             "sentence": 'He said "now"\nthen'}]
    text = export.to_csv(rows, ["id", "text", "value", "page", "unit", "sentence"])
    assert text.split("\n", 1)[1] == '"t-1","Cut waits;\'=cmd|\' /C calc\'!A0",78,3,,"He said ""now""\nthen"\n'
    # read with ";" as a European spreadsheet does: the formula stays inside the quoted text cell
    cells = next(csv.reader(io.StringIO(text.splitlines()[1]), delimiter=";"))
    assert not any(c.startswith("=") for c in cells)
    assert list(csv.DictReader(io.StringIO(text)))[0]["sentence"] == 'He said "now"\nthen'
    plain = "value;deadline_later; -5% on 2024"  # no formula after its ";": left as it is
    assert export.to_csv([{"a": plain}], ["a"]) == f'"a"\n"{plain}"\n'
