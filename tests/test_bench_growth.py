"""The growth statistic benchmarks/bench_speed.py judges linearity by (issue 7).

The benchmark itself is never timed here; these check only its arithmetic: that a drift shared by
both sizes of one repeat cancels, that the interval widens with disagreeing repeats, and that a
verdict is given only when the interval lies on one side of the limit.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_speed.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_speed", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_speed"] = module
    spec.loader.exec_module(module)
    return module


def test_drift_shared_by_a_repeat_cancels(bench: ModuleType) -> None:
    # The machine ran 1x, 2x and 0.5x as fast in the three repeats; each repeat grew exactly 16x.
    growth, low, high = bench.paired_growth([1.0, 2.0, 0.5], [16.0, 32.0, 8.0])
    assert growth == pytest.approx(16.0)
    assert low == pytest.approx(16.0) and high == pytest.approx(16.0)


def test_interval_is_students_t_on_log_ratios(bench: ModuleType) -> None:
    ratios = [15.0, 16.0, 18.0, 17.0]
    growth, low, high = bench.paired_growth([1.0] * 4, ratios)
    logs = [math.log(r) for r in ratios]
    mean = sum(logs) / 4
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / 3)
    half = 3.182446305284263 * sd / 2  # t(0.975, 3 degrees of freedom) x sd / sqrt(4)
    assert growth == pytest.approx(math.exp(mean))
    assert (low, high) == (pytest.approx(math.exp(mean - half)), pytest.approx(math.exp(mean + half)))
    assert low < min(ratios) < growth < max(ratios) < high


def test_one_repeat_has_no_interval(bench: ModuleType) -> None:
    growth, low, high = bench.paired_growth([2.0], [33.0])
    assert growth == pytest.approx(16.5)
    assert math.isnan(low) and math.isnan(high)
    assert bench.growth_verdict(growth, low, high, 17.0) == "PASS"
    assert bench.growth_verdict(17.5, low, high, 17.0) == "FAIL"


@pytest.mark.parametrize(("low", "high", "verdict"), [
    (15.5, 16.9, "PASS"),
    (15.5, 17.0, "PASS"),
    (16.0, 17.4, "NOISY"),
    (17.1, 18.0, "FAIL"),
])
def test_verdict_needs_the_whole_interval_on_one_side(bench: ModuleType, low: float, high: float,
                                                      verdict: str) -> None:
    assert bench.growth_verdict((low + high) / 2, low, high, 17.0) == verdict
