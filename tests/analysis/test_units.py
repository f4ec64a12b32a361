"""What counts as one task: golden cases for the unit of agreement (``golden/units.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from prefkit.analysis import analyze
from prefkit.data import judgment_from_dict

CASES = json.loads((Path(__file__).parent / "golden" / "units.json").read_text())


@pytest.mark.parametrize(
    ("case", "unit"),
    [(c, u) for c in CASES for u in c["expect"]],
    ids=lambda x: x["desc"][:50] if isinstance(x, dict) else x,
)
def test_unit_case(case: dict[str, Any], unit: str) -> None:
    recs = [judgment_from_dict(r) for r in case["records"]]
    rep = analyze(recs, unit=unit, bootstrap=0)  # type: ignore[arg-type]
    want = case["expect"][unit]
    if "criterion" in want:
        c = rep.criterion(want["criterion"])
        assert c.kind == want["kind"]
        assert c.units == want["units"]
        if "units_with_two_or_more" in want:
            assert c.units_with_two_or_more == want["units_with_two_or_more"]
        if "kappa" in want:
            assert len(c.cohen) == 1 and c.cohen[0].kappa == pytest.approx(want["kappa"], abs=1e-12)
        if "fleiss" in want:
            assert c.fleiss.value == pytest.approx(want["fleiss"], abs=1e-12)
        if "criterion_repeats" in want:
            assert c.summary.repeats == want["criterion_repeats"]
        return
    u = rep.units
    assert (u.units, u.repeats, u.set_aside) == (want["units"], want["repeats"], want["repeats"])
    for key in ("identical_content_groups", "identical_content_items"):
        if key in want:
            assert getattr(u, key) == want[key]
    assert rep.preferences.raw.value == want["raw"]
    assert rep.preferences.raw_pairs == want["raw_pairs"]
    sc = rep.self_consistency
    assert sc.pass_pairs == want["pass_pairs"]
    for key in ("flip_rate", "reversal_rate"):
        if key in want:
            assert getattr(sc, key) == pytest.approx(want[key])
    if "warning" in want:
        assert want["warning"] in {w.kind for w in rep.warnings}
    if u.repeats:
        assert "repeats" in (u.note or "")


def test_label_kappa_and_fleiss_match_the_reference_packages() -> None:
    sk = pytest.importorskip("sklearn.metrics")
    sm = pytest.importorskip("statsmodels.stats.inter_rater")
    kr = pytest.importorskip("krippendorff")
    labels = next(c for c in CASES if c["desc"].startswith("3-class"))
    recs = [judgment_from_dict(r) for r in labels["records"]]
    x = [r.labels["refusal"]["r"] for r in recs if r.annotator == "X"]  # type: ignore[index]
    y = [r.labels["refusal"]["r"] for r in recs if r.annotator == "Y"]  # type: ignore[index]
    c = analyze(recs, bootstrap=0).criterion("refusal")
    assert c.cohen[0].kappa == pytest.approx(sk.cohen_kappa_score(x, y), abs=1e-12)
    assert sum(sum(r) for r in c.confusion[0].counts) == 10
    binary = next(c for c in CASES if c["desc"].startswith("Binary"))
    recs = [judgment_from_dict(r) for r in binary["records"]]
    rep = analyze(recs, bootstrap=0).criterion("consistent")
    grid = np.array([[r.ratings["consistent"]["r"] for r in recs if r.annotator == a]  # type: ignore[index]
                     for a in ("w1", "w2", "w3")], dtype=float)  # fmt: skip
    table = np.stack([(grid == 0).sum(0), (grid == 1).sum(0)], axis=1)
    assert rep.fleiss.value == pytest.approx(sm.fleiss_kappa(table), abs=1e-12)
    ref = kr.alpha(grid, level_of_measurement="nominal")
    assert rep.alpha_nominal.value == pytest.approx(ref, abs=1e-12)
    assert rep.alpha_interval is not None


def test_a_planted_lenient_annotator_is_flagged() -> None:
    rng = np.random.default_rng(3)
    recs = []
    for i in range(80):
        truth = int(rng.integers(1, 6))
        for ann in ("fair1", "fair2", "fair3", "lenient"):
            v = truth + int(rng.integers(-1, 2) if rng.random() < 0.4 else 0)
            v += 1 if ann == "lenient" else 0
            recs.append(
                judgment_from_dict(
                    {
                        "item": f"i{i}",
                        "prompt": f"Q{i}",
                        "responses": [{"id": "r", "text": f"A{i}"}],
                        "ratings": {"helpfulness": {"r": max(1, min(5, v))}},
                        "annotator": ann,
                    }
                )
            )
    rep = analyze(recs, bootstrap=0)
    c = rep.criterion("helpfulness")
    flagged = {le.annotator for le in c.leniency if le.flagged}
    assert flagged == {"lenient"}
    le = next(x for x in c.leniency if x.annotator == "lenient")
    assert le.offset is not None and le.offset > 0.5 and le.ci is not None and le.ci[0] > 0
    msgs = [w.message for w in rep.warnings if w.kind == "leniency"]
    assert len(msgs) == 1 and "lenient rates 'helpfulness'" in msgs[0] and "higher" in msgs[0]


def test_low_agreement_is_a_warning_in_words() -> None:
    rng = np.random.default_rng(4)
    recs = [
        judgment_from_dict(
            {
                "item": f"i{i}",
                "prompt": f"Q{i}",
                "responses": [{"id": "r", "text": f"A{i}"}],
                "ratings": {"overall": {"r": int(rng.integers(1, 6))}},
                "annotator": a,
            }
        )
        for i in range(60)
        for a in ("a", "b", "c")
    ]
    rep = analyze(recs, bootstrap=0)
    low = [w for w in rep.warnings if w.kind == "low_agreement"]
    assert low and "chance" in low[0].message and "'overall'" in low[0].message


def test_json_is_small_for_many_annotators_with_nothing_in_common() -> None:
    # 200 annotators, each rating 3 of their own units: ~19,900 pairs share nothing
    recs = [
        judgment_from_dict(
            {
                "item": f"i{a}-{k % 2}",
                "prompt": "Q",
                "responses": [{"id": "r", "text": f"A{a}-{k % 2}"}],
                "labels": {"ok": {"r": "yes" if (a + k) % 3 else "no"}},
                "annotator": f"ann{a}-{k // 2}",
            }
        )
        for a in range(100)
        for k in range(4)
    ]
    rep = analyze(recs, bootstrap=0)
    c = rep.criterion("ok")
    assert len(c.cohen) == 100 and c.pairs_without_overlap == 200 * 199 // 2 - 100
    assert len(json.dumps(rep.to_dict())) < 200_000


def test_first_passes_and_by_unit_views() -> None:
    case = next(c for c in CASES if c["desc"].startswith("One annotator judges one unit three"))
    from prefkit.data import comparisons

    comps = comparisons([judgment_from_dict(r) for r in case["records"]])
    assert len(comps) == 4 and [c.annotator for c in comps.first_passes()] == ["A", "B"]
    assert set(comps.by_unit()["u1"]) == {"A", "B"}
    assert [c.verdict for c in comps] == ["first", "first", "first", "second"]
    assert repr(comps) == "ComparisonSet(4 comparisons, unit='item', 1 units)"
