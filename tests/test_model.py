"""Edition labels: one parser for user overrides, manifests and title pages."""

from __future__ import annotations

import pytest

from guidance_parser.model import Edition


@pytest.mark.parametrize("label, expected", [
    ("2025/26", ("2025/26", 2025, 2025)),
    ("2025-26", ("2025/26", 2025, 2025)),
    ("2025/2026", ("2025/26", 2025, 2025)),
    ("2026/27 to 2028/29", ("2026/27 to 2028/29", 2026, 2028)),
    ("Medium term framework 2026/27 – 2028/29", ("2026/27 to 2028/29", 2026, 2028)),
    ("July 2025", ("2025", 2025, 2025)),
])
def test_labels_parse_to_one_canonical_form(label: str, expected: tuple[str, int, int]) -> None:
    ed = Edition.from_label(label)
    assert (ed.label, ed.first_year, ed.last_year) == expected


@pytest.mark.parametrize("label", ["24/7", "2025/30", "£2025 million", "next year"])
def test_non_years_are_refused(label: str) -> None:
    with pytest.raises(ValueError):
        Edition.from_label(label)


def test_editions_sort_by_the_years_they_cover() -> None:
    labels = ["2026/27 to 2028/29", "2024/25", "2025", "2025/26"]
    assert [e.label for e in sorted(map(Edition.from_label, labels), key=lambda e: e.sort_key)] == [
        "2024/25", "2025", "2025/26", "2026/27 to 2028/29"]
