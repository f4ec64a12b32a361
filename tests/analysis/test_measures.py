"""Consistency, transitivity, bias and reliability on records built by hand (hand arithmetic)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from prefkit.analysis import (
    analyze,
    dawid_skene,
    length_bias,
    logistic_regression,
    position_bias,
    report_html,
    self_consistency,
    transitivity,
)
from prefkit.data import comparisons, judgment_from_dict


def rec(
    annotator: str,
    prompt: str,
    a: str,
    b: str,
    pref: str,
    shown: list[str] | None = None,
    **kw: Any,
) -> Any:
    return judgment_from_dict(
        {
            "prompt": prompt,
            "responses": [{"id": "x", "text": a}, {"id": "y", "text": b}],
            "preference": pref,
            "annotator": annotator,
            "shown": shown,
            **kw,
        }
    )


def test_self_consistency_separates_reversals_from_tie_flips() -> None:
    recs = [
        rec("ann", "p1", "A", "B", "x", ["x", "y"]),
        rec("ann", "p2", "C", "D", "x"),
        rec("ann", "p3", "E", "F", "tie"),
        rec("ann", "p1", "A", "B", "y", ["y", "x"]),  # reversal
        rec("ann", "p2", "C", "D", "tie"),  # tie flip
        rec("ann", "p3", "E", "F", "tie"),  # consistent
        rec("other", "p1", "A", "B", "x"),  # one pass only: not a repeat
    ]
    sc = self_consistency(comparisons(recs))
    assert sc.repeated_units == 3 and sc.pass_pairs == 3
    assert sc.reversal_rate == pytest.approx(1 / 3) and sc.tie_flip_rate == pytest.approx(1 / 3)
    assert sc.flip_rate == pytest.approx(2 / 3)
    # Same pair oriented by content, even though the second pass used other local ids:
    swapped = judgment_from_dict(
        {
            "prompt": "p9",
            "responses": [{"id": "q", "text": "B2"}, {"id": "r", "text": "A2"}],
            "preference": "r",
            "annotator": "z",
        }
    )
    again = rec("z", "p9", "A2", "B2", "x")
    assert self_consistency(comparisons([swapped, again])).flip_rate == 0.0


def tri(annotator: str, prompt: str, wins: list[tuple[str, str]]) -> list[Any]:
    out = []
    for w, loser in wins:
        out.append(rec(annotator, prompt, w, loser, "x"))
    return out


def test_transitivity_counts_cycles_and_kendall_zeta() -> None:
    cyc = tri("a", "p", [("A", "B"), ("B", "C"), ("C", "A")])
    ok = tri("b", "p", [("A", "B"), ("B", "C"), ("A", "C")])
    # Four items, one cycle among B, C, D: d = 1, d_max = (4³ - 4·4) / 24 = 2, ζ = 0.5.
    four = tri("c", "q", [("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("C", "D"), ("D", "B")])
    res = transitivity(comparisons(cyc + ok + four))
    by = {r.annotator: r for r in res.annotators}
    assert (by["a"].cyclic, by["a"].kendall_zeta) == (1, 0.0)  # n = 3: d_max = 1
    assert (by["b"].cyclic, by["b"].kendall_zeta) == (0, 1.0)
    assert (by["c"].triads, by["c"].cyclic, by["c"].kendall_zeta) == (4, 1, 0.5)
    assert len(res.cycles) == 2
    ties = [
        rec("d", "t", "A", "B", "x"),
        rec("d", "t", "B", "C", "x"),
        rec("d", "t", "A", "C", "tie"),
    ]
    assert transitivity(comparisons(ties)).cyclic == 1  # a > b > c but a ~ c
    assert transitivity(comparisons(cyc[:2])).note == "no fully judged triad"
    note = transitivity(comparisons(cyc[:1])).note
    assert note is not None and note.startswith("no annotator judged three")


def test_position_bias_is_in_screen_space() -> None:
    recs = [
        rec("a", f"p{i}", "A", "B", "x" if i < 8 else "y", ["x", "y"] if i % 2 == 0 else ["y", "x"])
        for i in range(10)
    ]
    pb = position_bias(comparisons(recs)).overall
    left = sum(1 for r in recs if r.preference == r.shown[0])
    assert pb is not None and pb.left_wins == left and pb.votes == 10
    from scipy.stats import binomtest

    assert pb.p_value == pytest.approx(binomtest(left, 10, 0.5).pvalue, abs=1e-12)
    assert position_bias(comparisons([rec("a", "p", "A", "B", "x")])).note


def test_logistic_regression_matches_statsmodels() -> None:
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(5)
    x = rng.normal(size=(500, 2))
    y = (rng.random(500) < 1 / (1 + np.exp(-(0.3 + 0.8 * x[:, 0] - 0.5 * x[:, 1])))).astype(float)
    beta, se = logistic_regression(x, y)
    ref = sm.Logit(y, sm.add_constant(x)).fit(disp=0, method="newton", tol=1e-14, maxiter=200)
    assert np.allclose(beta, ref.params, atol=1e-9) and np.allclose(se, ref.bse, atol=1e-9)


def test_length_bias_finds_a_planted_preference_for_long_answers() -> None:
    rng = np.random.default_rng(2)
    recs = []
    for i in range(400):
        la, lb = int(rng.integers(10, 400)), int(rng.integers(10, 400))
        p_a = 1 / (1 + np.exp(-(la - lb) / 100))
        recs.append(rec("a", f"p{i}", "a" * la, "b" * lb, "x" if rng.random() < p_a else "y"))
    lb_ = length_bias(comparisons(recs))
    assert lb_.log_odds_per_sd is not None and lb_.log_odds_per_sd > 0.5
    assert lb_.ci is not None and lb_.ci[0] > 0 and (lb_.longer_wins or 0) > 0.6
    few = length_bias(comparisons(recs[:5]))
    assert few.note is not None and few.note.startswith("length bias needs at least 10")


def test_dawid_skene_finds_the_careless_annotator() -> None:
    rng = np.random.default_rng(11)
    truth = rng.integers(0, 2, 300)
    acc = {"good1": 0.9, "good2": 0.88, "good3": 0.85, "random": 0.5}
    labels = []
    for u, t in enumerate(truth):
        for a, p in acc.items():
            labels.append((f"u{u}", a, int(t if rng.random() < p else 1 - t)))
    model = dawid_skene(labels, n_classes=2)
    rel = dict(zip(model.annotators, model.reliability, strict=True))
    assert rel["random"] < 0.6 < min(rel["good1"], rel["good2"], rel["good3"])
    assert abs(rel["good1"] - 0.9) < 0.05
    post = model.posterior.argmax(axis=1)
    order = [int(u[1:]) for u in model.units]
    assert np.mean(post == truth[order]) > 0.95


def test_analyze_is_json_and_html_with_notes_for_what_is_undefined() -> None:
    recs = [rec("solo", "p", "A", "B", "x", ["x", "y"])]
    rep = analyze(recs, bootstrap=0)
    json.dumps(rep.to_dict())  # plain JSON
    pref = rep.preferences
    assert pref.raw.value is None and "two annotators" in (pref.raw.note or "")
    assert rep.reliability.note
    assert "AnalysisReport(1 records" in repr(rep)
    html = report_html(rep)
    assert (
        "<h2>Annotator reliability</h2>" in html
        and "no annotator judged the same unit twice" in html
    )
    assert "<script" not in html


def test_hh_rlhf_length_heuristic_matches_the_data_readme(shared_data) -> None:  # type: ignore[no-untyped-def]
    from prefkit.data import read_records

    for subset, share in (("harmless-base", 0.44), ("helpful-base", 0.60)):
        recs = read_records(shared_data / "hh-rlhf" / subset / "test.jsonl.gz")
        lb = length_bias(comparisons(recs))
        assert lb.longer_wins is not None and round(lb.longer_wins, 2) == share, subset
