"""Table-aware targets: a figure in a table cell takes its row's measure and its column's year.

The tables have the shape of the Medium Term Planning Framework's success-measure tables ("Success measure |
2026/27 target | 2028/29 target", a measure spanning two rows, a cell spanning both years, "every trust" and
"national" rows under a measure) and are built as real ruled tables: PDFs drawn by reportlab with merged
cells (``SPAN``), read back through pdfplumber's table finder, and HTML ``<table>``s with ``<thead>``,
``<th>``, ``rowspan`` and ``colspan``.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from guidance_parser.extract import extract
from guidance_parser.ingest import ingest_file
from guidance_parser.ingest.tables import grid_from_spans, table_rows
from guidance_parser.model import Document, Target

EDITION = "2026/27 to 2028/29"
INTRO = "Medium term planning framework 2026/27 to 2028/29. The success measures below apply to every system."

# (rows, spans): rows of cell texts ("" where a merged cell covers the position), spans as reportlab
# ((col0, row0), (col1, row1)) corners.
FRAMEWORK = (
    [["Success measure", "Target", ""],
     ["", "2026/27", "2028/29"],
     ["Improve the percentage of patients waiting no longer than 18 weeks for treatment",
      "Every trust delivering a minimum 7% improvement in 18-week performance",
      "Achieving the standard that at least 92% of patients are waiting 18 weeks or less"],
     ["Improve performance against cancer constitutional standards",
      "Maintain performance against the 28-day Faster Diagnosis Standard at the new threshold of 80%", ""],
     ["", "Every trust delivering 94% performance for 31-day by March 2027",
      "Maintain performance against the 31-day standard at 96%"],
     ["4-hour A&E performance", "", ""],
     ["Every trust", "82%", "85%"],
     ["National", "78%", "85%"]],
    [((1, 0), (2, 0)), ((0, 0), (0, 1)), ((1, 3), (2, 3)), ((0, 3), (0, 4))],
)
# Two header rows without merged cells: the second only continues the first ("target").
TWO_LINE_HEADER = (
    [["Success measure", "2026/27", "2028/29"],
     ["", "target", "target"],
     ["Category 2 ambulance response", "An average response time of 25 minutes",
      "An average response time of 18 minutes"],
     ["Community health services waits", "At least 78% of activity within 18 weeks",
      "At least 80% of activity within 18 weeks"]],
    [],
)
# A data table: its years head counts, not targets.
DATA = (
    [["Area of work", "Workforce in 2020", "Projected demand in 2030"],
     ["Clinical coding", "3,560", "3,101"],
     ["Health records", "12,610", "12,315"]],
    [],
)


def _pdf(path: Path, table: tuple[list[list[str]], list[tuple[tuple[int, int], tuple[int, int]]]]) -> Path:
    style = getSampleStyleSheet()["BodyText"]
    rows, spans = table
    data = [[Paragraph(escape(c), style) if c else "" for c in r] for r in rows]
    t = Table(data, colWidths=[160, 160, 160])
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           *[("SPAN", a, b) for a, b in spans]]))
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(INTRO, style), t])
    return path


def _read(path: Path) -> tuple[Document, list[Target]]:
    doc = ingest_file(path, edition=EDITION)
    return doc, extract(doc).targets


def _by_value(targets: list[Target]) -> dict[float, list[Target]]:
    out: dict[float, list[Target]] = {}
    for t in targets:
        assert t.value is not None
        out.setdefault(t.value, []).append(t)
    return out


def _deadline(t: Target) -> str | None:
    return t.deadline.label if t.deadline else None


def _check_framework(doc: Document, targets: list[Target]) -> None:
    rows = [b.cells for b in doc.blocks if b.kind == "table_row"]
    # one header row naming each column in full; the spanning measure repeated on both of its rows
    assert rows[0] == ("Success measure", "Target 2026/27", "Target 2028/29")
    assert rows[2][0] == rows[3][0] == "Improve performance against cancer constitutional standards"
    assert rows[2][2] == ""  # a cell spanning both years is stated once, in its first column
    got = _by_value(targets)
    assert [_deadline(t) for t in got[7.0]] == ["2026/27"]
    assert [_deadline(t) for t in got[92.0]] == ["2028/29"]
    assert "18 weeks" in (got[92.0][0].metric or "")
    # the cell's own date wins over its column; another cell's date is not this cell's
    assert [_deadline(t) for t in got[94.0]] == ["2027-03"]
    assert [_deadline(t) for t in got[96.0]] == ["2028/29"]
    assert "cancer" in (got[96.0][0].metric or "")
    # bare figures on "every trust" / "national" rows: the measure of the row above, the level of their own
    assert sorted((t.scope, _deadline(t)) for t in got[82.0] + got[78.0]) == [
        ("every trust", "2026/27"), ("national", "2026/27")]
    assert sorted((t.scope, _deadline(t)) for t in got[85.0]) == [("every trust", "2028/29"), ("national", "2028/29")]
    assert all("4-hour A&E" in (t.metric or "") for t in got[82.0] + got[78.0] + got[85.0])
    # a bare cell is a target because its column says so: a weaker basis than a cell's own commitment word
    assert {(t.basis, t.confidence) for t in got[82.0] + got[78.0]} == {("table:target column", 0.5)}
    assert got[92.0][0].basis.startswith("model:") and got[92.0][0].confidence > 0.5  # its own words decide
    # the header row states no deadline of its own
    assert not any("Target 2026/27" in d.evidence.sentence for d in extract(doc).deadlines)


def test_pdf_ruled_table_with_merged_cells(tmp_path: Path) -> None:
    doc, targets = _read(_pdf(tmp_path / "framework.pdf", FRAMEWORK))
    _check_framework(doc, targets)


def test_pdf_header_of_two_rows(tmp_path: Path) -> None:
    doc, targets = _read(_pdf(tmp_path / "two-line.pdf", TWO_LINE_HEADER))
    rows = [b.cells for b in doc.blocks if b.kind == "table_row"]
    assert rows[0] == ("Success measure", "2026/27 target", "2028/29 target")
    got = _by_value(targets)
    assert [_deadline(t) for t in got[25.0]] == ["2026/27"]
    assert [_deadline(t) for t in got[18.0]] == ["2028/29"]
    assert [_deadline(t) for t in got[78.0]] == ["2026/27"]
    assert [_deadline(t) for t in got[80.0]] == ["2028/29"]
    assert got[80.0][0].metric == "Community health services waits"


def test_pdf_data_table_sets_no_targets(tmp_path: Path) -> None:
    doc, targets = _read(_pdf(tmp_path / "data.pdf", DATA))
    assert len([b for b in doc.blocks if b.kind == "table_row"]) == 3
    assert targets == []


HTML = """<!doctype html><html><head><title>Medium term planning framework 2026/27 to 2028/29</title></head>
<body><main><h1>Medium term planning framework 2026/27 to 2028/29</h1><p>{intro}</p>
<table>
<thead><tr><th rowspan="2">Success measure</th><th colspan="2">Target</th></tr>
<tr><th>2026/27</th><th>2028/29</th></tr></thead>
<tbody>
<tr><td>Improve the percentage of patients waiting no longer than 18 weeks for treatment</td>
<td>Every trust delivering a minimum 7% improvement in 18-week performance</td>
<td>Achieving the standard that at least 92% of patients are waiting 18 weeks or less</td></tr>
<tr><td rowspan="2">Improve performance against cancer constitutional standards</td>
<td colspan="2">Maintain performance against the 28-day Faster Diagnosis Standard at the new threshold of 80%</td></tr>
<tr><td>Every trust delivering 94% performance for 31-day by March 2027</td>
<td>Maintain performance against the 31-day standard at 96%</td></tr>
<tr><th scope="rowgroup">4-hour A&amp;E performance</th><td></td><td></td></tr>
<tr><th scope="row">Every trust</th><td>82%</td><td>85%</td></tr>
<tr><th scope="row">National</th><td>78%</td><td>85%</td></tr>
</tbody></table></main></body></html>"""


def test_html_table_with_thead_rowspan_colspan(tmp_path: Path) -> None:
    path = tmp_path / "framework.html"
    path.write_text(HTML.format(intro=INTRO), encoding="utf-8")
    _check_framework(*_read(path))


def test_html_header_rows_of_th_without_thead(tmp_path: Path) -> None:
    body = HTML.replace("<thead>", "").replace("</thead>", "").replace("<tbody>", "").replace("</tbody>", "")
    path = tmp_path / "framework.html"
    path.write_text(body.format(intro=INTRO), encoding="utf-8")
    _check_framework(*_read(path))


@pytest.mark.parametrize(("rows", "header", "want"), [
    # a header cell spanning two columns names both; one spanning two rows is said once
    ([[("Measure", 1, 2), ("Ambition", 2, 1)], [("2026/27", 1, 1), ("2028/29", 1, 1)], [("A", 1, 1), ("1%", 1, 1),
                                                                                         ("2%", 1, 1)]],
     None, [("Measure", "Ambition 2026/27", "Ambition 2028/29"), ("A", "1%", "2%")]),
    # a figure spanning rows is stated once; a label spanning rows names each
    ([[("Measure", 1, 1), ("2026/27", 1, 1)], [("A", 1, 2), ("5%", 1, 1)], [("6%", 1, 1)],
      [("B", 1, 1), ("7%", 1, 2)], [("C", 1, 1)]],
     None, [("Measure", "2026/27"), ("A", "5%"), ("A", "6%"), ("B", "7%"), ("C", "")]),
    # a first body row of words only is not mistaken for a header row
    ([[("Measure", 1, 1), ("2026/27 target", 1, 1)], [("Improve access", 1, 1), ("More hubs", 1, 1)]],
     None, [("Measure", "2026/27 target"), ("Improve access", "More hubs")]),
    # <thead> says how many rows head the table
    ([[("Measure", 1, 1), ("Target", 1, 1)], [("Access", 1, 1), ("Hubs", 1, 1)]],
     2, [("Measure Access", "Target Hubs")]),
])
def test_table_rows(rows: list[list[tuple[str, int, int]]], header: int | None,
                    want: list[tuple[str, ...]]) -> None:
    assert table_rows(grid_from_spans(rows), header) == want


# A table a PDF-to-Markdown conversion flattened, in the framework's shape: the column headers become short
# bold lines and the cells' lines are written side by side, line by line (measure | 2026/27 | 2028/29).
FLATTENED = """# Medium term planning framework 2026/27 to 2028/29

## 2.1 Community services

Systems must improve access to community services over the next three years.

## **Success measure**

**2026/27 target**

**2028/29 target**

Increase the number of

At least 40,000 people

At least 50,000 people

people supported by

supported by the service

supported by the service

the service

Improve waiting times

At least 75% of patients seen

At least 85% of patients seen

for clinics

within 6 weeks, with at least 60%

within 6 weeks, with at least 70%

seen within 2 weeks

seen within 2 weeks

## **2.2 Workforce**

Trusts should reduce agency spend by 10% by March 2027.
"""


def test_flattened_markdown_table_figures_take_their_column_year(tmp_path: Path) -> None:
    path = tmp_path / "framework.md"
    path.write_text(FLATTENED, encoding="utf-8")
    _, targets = _read(path)
    # each row's figures recur in column order, including a second figure per cell ("within 6 weeks" and
    # "within 2 weeks" bound the measure and are not figures of a column)
    assert {t.value: _deadline(t) for t in targets} == {
        40000.0: "2026/27", 50000.0: "2028/29", 75.0: "2026/27", 85.0: "2028/29", 60.0: "2026/27",
        70.0: "2028/29", 10.0: "2027-03"}


def test_flattened_markdown_table_with_one_year_column(tmp_path: Path) -> None:
    path = tmp_path / "framework.md"
    one_column = FLATTENED.replace("**2028/29 target**\n\n", "").replace("At least 50,000 people\n\n", "")
    path.write_text(one_column.replace("At least 85% of patients seen\n\n", ""), encoding="utf-8")
    _, targets = _read(path)
    assert {t.value: _deadline(t) for t in targets if t.value != 10.0} == {
        40000.0: "2026/27", 75.0: "2026/27", 60.0: "2026/27", 70.0: "2026/27"}


# Rows of two of the framework's success-measure tables as the real conversion wrote them (pp. 28 and 30): a
# bracketed national figure that qualifies the trust floor before it, and a date on the line after both cells'
# figures that belongs to the first column's sentence ("Every trust to maintain or improve to 82% by March 2027").
FLATTENED_REAL = """# Medium term planning framework 2026/27 to 2028/29

## **Success measure**

**2026/27 target**

**2028/29 target**

Improve the percentage

Every trust delivering a minimum

Achieving the standard that

of patients waiting no

7% improvement in 18-week

at least 92% of patients are

longer than 18 weeks for

performance or a minimum of 65%, waiting 18 weeks or less for treatment

whichever is greater \\(to deliver

treatment

national performance target of 70%\\)

## **3.2 Urgent and emergency care**

Trusts must improve A&E performance.

**Success measure**

**2026/27 target**

**2028/29 target**

4-hour A&E

Every trust to maintain or improve to 82% National target of 85% as the performance

by March 2027

average for the year

## **3.3 Primary care**

Practices will offer more appointments.
"""


def test_flattened_rows_keep_bracketed_figures_and_later_dates_in_their_own_column(tmp_path: Path) -> None:
    path = tmp_path / "framework.md"
    path.write_text(FLATTENED_REAL, encoding="utf-8")
    _, targets = _read(path)
    # 70% in brackets qualifies the 65% floor (2026/27 column) rather than taking the next column's turn;
    # "by March 2027" falls in 2026/27, so it dates the 82% and not the 85% under 2028/29
    assert {t.value: _deadline(t) for t in targets} == {
        7.0: "2026/27", 92.0: "2028/29", 65.0: "2026/27", 70.0: "2026/27", 82.0: "2027-03", 85.0: "2028/29"}
    # the row's label line names the measure its cells' own words ("Every trust to maintain ...") do not
    a_and_e = [t for t in targets if t.value in (82.0, 85.0)]
    assert {t.metric_id for t in a_and_e} == {"uec.ae_4h"} and {t.metric for t in a_and_e} == {"4-hour A&E"}


def test_row_position_counts_figures_outside_brackets() -> None:
    from guidance_parser.extract.tables import row_position

    assert row_position("7% and 92%", 0, None) == (2, None)
    assert row_position("a minimum of 65% (to deliver 70%", 2, None) == (3, 2)  # open: the 65%'s slot
    assert row_position("of 14%) and 1%", 3, 2) == (4, None)  # the aside closes; 1% takes the next slot
    assert row_position("(all trusts) 50%", 0, None) == (1, None)


def test_html_thead_alone_says_which_rows_head_the_table(tmp_path: Path) -> None:
    # a body row of <th> only (a group label) after <thead> is a body row, not a third header row
    html = HTML.replace('<tr><th scope="rowgroup">4-hour A&amp;E performance</th><td></td><td></td></tr>', "")
    html = html.replace("<tbody>", '<tbody><tr><th colspan="3">Elective care</th></tr>')
    path = tmp_path / "framework.html"
    path.write_text(html.format(intro=INTRO), encoding="utf-8")
    rows = [b.cells for b in ingest_file(path, edition=EDITION).blocks if b.kind == "table_row"]
    assert rows[0] == ("Success measure", "Target 2026/27", "Target 2028/29")
    assert rows[1] == ("Elective care", "", "")
