"""Bradley-Terry and Plackett-Luce against choix and scikit-learn; golden cases; real data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from prefkit.errors import PrefkitWarning
from prefkit.ranking import BradleyTerry, Outcomes, RankingError
from prefkit.ranking._bt import aggregate, fit_pairs, loglik_pairs  # the solvers under test
from prefkit.ranking._models import fit_joint, loglik_rankings

choix = pytest.importorskip("choix")


def fit_bradley_terry(data: object, *, by: str = "model", **params: object) -> BradleyTerry:
    return BradleyTerry(**params).fit(data, by=by)  # type: ignore[arg-type]


linear_model = pytest.importorskip("sklearn.linear_model")


def simulate(n: int, m: int, seed: int, tie_rate: float = 0.0) -> tuple[Outcomes, np.ndarray]:
    rng = np.random.default_rng(seed)
    true = rng.normal(0, 1, n)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = a != b
    a, b = a[keep], b[keep]
    o = (rng.random(a.size) < 1 / (1 + np.exp(-(true[a] - true[b])))).astype(float)
    o[rng.random(a.size) < tie_rate] = 0.5
    return Outcomes([f"m{i:03d}" for i in range(n)], a, b, o), true


def rel(x: float, y: float) -> float:
    return abs(x - y) / abs(y)


@pytest.mark.parametrize("seed", range(5))
def test_same_likelihood_as_choix_and_scikit_learn(seed: int) -> None:
    comp, _ = simulate(12, 3000, seed)
    pairs = aggregate(comp)
    theta, _, ll = fit_pairs(pairs)
    data = [
        (int(x), int(y)) if o == 1 else (int(y), int(x))
        for x, y, o in zip(comp.a, comp.b, comp.outcome, strict=True)
    ]
    for ref in (
        choix.ilsr_pairwise(12, data, alpha=0.0, tol=1e-12),
        choix.opt_pairwise(12, data, alpha=0.0, tol=1e-12),
    ):
        assert rel(ll, loglik_pairs(ref - ref.mean(), pairs)) < 1e-6
    x = np.zeros((len(comp), 12))
    x[np.arange(len(comp)), comp.a] = 1
    x[np.arange(len(comp)), comp.b] = -1
    lr = linear_model.LogisticRegression(
        penalty=None, fit_intercept=False, tol=1e-12, max_iter=10_000
    )
    coef = lr.fit(x, comp.outcome).coef_[0]
    assert rel(ll, loglik_pairs(coef - coef.mean(), pairs)) < 1e-6
    assert np.allclose(theta, coef - coef.mean(), atol=1e-4)


def test_prior_matches_choix_map() -> None:
    comp, _ = simulate(8, 400, 3)
    pairs = aggregate(comp)
    theta, _, _ = fit_pairs(pairs, prior=0.5)
    data = [
        (int(x), int(y)) if o == 1 else (int(y), int(x))
        for x, y, o in zip(comp.a, comp.b, comp.outcome, strict=True)
    ]
    ref = choix.opt_pairwise(8, data, alpha=0.25, tol=1e-12)  # choix penalizes alpha·|θ|²
    assert np.allclose(theta, ref, atol=1e-6)


def test_three_item_cycle_rates_everyone_equally() -> None:
    comp = Outcomes.from_tuples([("A", "B", 1.0), ("B", "C", 1.0), ("C", "A", 1.0)])
    m = fit_bradley_terry(comp, bootstrap=0)
    assert np.allclose(m.ratings_, 1000.0) and m.loglik_ == pytest.approx(3 * math.log(0.5))


def test_an_item_that_never_loses_gets_the_prior_or_an_error() -> None:
    comp = Outcomes.from_tuples(
        [("A", "B", 1.0), ("A", "C", 1.0), ("B", "C", 1.0), ("C", "B", 1.0)]
    )
    with pytest.raises(RankingError, match="never lost: A"):
        fit_bradley_terry(comp, bootstrap=0, identify="error")
    with pytest.warns(PrefkitWarning, match="never lost: A") as caught:  # a fallback: said
        m = fit_bradley_terry(comp, bootstrap=0)
    assert caught[0].filename == __file__  # and pointed at the caller's line
    assert any("never lost: A" in w and "prior" in w for w in m.warnings_)  # and in the result
    assert m.ratings_[0] > m.ratings_[1] == pytest.approx(m.ratings_[2])
    assert np.all(np.isfinite(m.ratings_))


def test_a_disconnected_graph_is_fitted_per_group() -> None:
    comp = Outcomes.from_tuples(
        [
            ("A", "B", 1.0),
            ("B", "A", 1.0),
            ("A", "B", 1.0),
            ("C", "D", 0.0),
            ("D", "C", 1.0),
            ("C", "D", 1.0),
        ]
    )
    with pytest.raises(RankingError, match="2 groups"):
        fit_bradley_terry(comp, bootstrap=0, identify="error")
    m = fit_bradley_terry(comp, bootstrap=100)
    assert any("2 groups" in w for w in m.warnings_)
    rows = {r.item: r.to_dict() for r in m.leaderboard().rows}
    assert rows["A"]["group"] != rows["C"]["group"]
    # Within each group: A won 2 of 3 against B, so θ_A - θ_B = log 2.
    assert m.theta_[0] - m.theta_[1] == pytest.approx(math.log(2), abs=1e-8)
    assert rows["A"]["rank"] == 1 and rows["D"]["rank"] == 1


def test_ties_half_davidson_rao_kupper() -> None:
    comp, true = simulate(10, 6000, 4, tie_rate=0.2)
    pairs = aggregate(comp)
    half, _, _ = fit_pairs(pairs, "half")
    dav, nu, ll_d = fit_pairs(pairs, "davidson")
    rk, kappa, ll_r = fit_pairs(pairs, "rao-kupper")
    for th in (half, dav, rk):
        assert np.corrcoef(th, true)[0, 1] > 0.97
    assert nu is not None and nu > 0 and kappa is not None and kappa > 1

    # Davidson's likelihood written out independently, maximised by a generic optimizer.
    from scipy.optimize import minimize

    def nll(x: np.ndarray) -> float:
        th, logv = x[:-1], x[-1]
        s, t = th[pairs.i], th[pairs.j]
        d = np.exp(s) + np.exp(t) + np.exp(logv + (s + t) / 2)
        return -float(
            (
                pairs.wins_i * (s - np.log(d))
                + pairs.wins_j * (t - np.log(d))
                + pairs.ties * (logv + (s + t) / 2 - np.log(d))
            ).sum()
        )

    ref = minimize(nll, np.zeros(11), method="BFGS", options={"gtol": 1e-9})
    assert rel(ll_d, -ref.fun) < 1e-6 and ll_r < 0
    with pytest.raises(RankingError, match="needs ties"):
        fit_pairs(aggregate(simulate(5, 100, 1)[0]), "davidson")


def test_plackett_luce_matches_choix() -> None:
    rng = np.random.default_rng(6)
    rankings = [[int(x) for x in rng.permutation(7)[: int(rng.integers(2, 8))]] for _ in range(200)]
    comp = Outcomes(
        [f"i{k}" for k in range(7)], np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    )

    _theta, ll = fit_joint(7, None, rankings)
    ref = choix.opt_rankings(7, rankings, alpha=0.0, tol=1e-12)
    assert rel(ll, loglik_rankings(ref - ref.mean(), rankings)) < 1e-6
    assert len(comp) == 0


def test_style_control_removes_a_planted_length_effect() -> None:
    from prefkit.data import judgment_from_dict

    rng = np.random.default_rng(8)
    true = {"a": 0.0, "b": 0.3, "c": -0.3}
    length = {"a": (1200, 3000), "b": (100, 2000), "c": (100, 2000)}  # a writes longer answers
    recs = []
    for k in range(6000):
        x, y = rng.choice(list(true), 2, replace=False)
        lx, ly = int(rng.uniform(*length[x])), int(rng.uniform(*length[y]))
        z = true[x] - true[y] + 0.8 * (lx - ly) / 1500
        win = x if rng.random() < 1 / (1 + math.exp(-z)) else y
        recs.append(
            judgment_from_dict(
                {
                    "prompt": f"p{k}",
                    "responses": [
                        {"id": "r1", "text": "w " * (lx // 2), "model": x},
                        {"id": "r2", "text": "w " * (ly // 2), "model": y},
                    ],
                    "preference": "r1" if win == x else "r2",
                }
            )
        )
    plain = fit_bradley_terry(recs, bootstrap=0)
    styled = fit_bradley_terry(recs, bootstrap=0, style_control=True)
    r_plain = dict(zip(plain.items_, plain.theta_, strict=True))
    r_style = dict(zip(styled.items_, styled.theta_, strict=True))
    assert r_plain["a"] > r_plain["b"]  # length makes a look best...
    assert r_style["b"] > r_style["a"] > r_style["c"]  # ...control recovers the truth
    assert styled.style_coef_ is not None and styled.style_coef_[0] > 0.3


def test_bootstrap_anchor_clusters_and_ranks() -> None:
    comp, _ = simulate(6, 3000, 9)
    comp.clusters["prompt"] = np.arange(len(comp)) // 3
    m = BradleyTerry(bootstrap=300, seed=1).fit(comp)
    again = BradleyTerry(bootstrap=300, seed=1).fit(comp)
    assert np.array_equal(m.ci_, again.ci_)
    anchored = BradleyTerry(bootstrap=300, seed=1, anchor="m003").fit(comp)
    assert anchored.ratings_[3] == pytest.approx(1000.0)
    assert np.allclose(np.diff(anchored.ci_, axis=1), np.diff(m.ci_, axis=1))  # widths kept
    assert np.all((m.ci_[:, 0] <= m.ratings_) & (m.ratings_ <= m.ci_[:, 1]))
    upper, lower = m.ci_[:, 1], m.ci_[:, 0]
    assert list(m.rank_) == [1 + int((lower > upper[i]).sum()) for i in range(6)]
    clustered = BradleyTerry(bootstrap=300, seed=1, cluster="prompt").fit(comp)
    assert clustered.ci_.shape == (6, 2)
    assert BradleyTerry().bootstrap == 1000
    with pytest.raises(RankingError, match="no annotator ids"):
        BradleyTerry(bootstrap=10, cluster="annotator").fit(comp)


def test_squality_ranks_against_choix(shared_data) -> None:  # type: ignore[no-untyped-def]
    from prefkit.data import read_records

    recs = read_records(
        shared_data / "squality" / "all-responses.jsonl", "squality", squality_mode="ranking"
    )
    m = fit_bradley_terry(recs, by="model", bootstrap=200, cluster="annotator")
    assert [r.item for r in m.leaderboard().rows] == ["human", "bart-dpr", "bart"]
    ranks = m.rankings_
    assert ranks is not None and len(ranks.rankings) == 300  # 100 questions × 3 workers
    ref = choix.opt_rankings(3, ranks.rankings, alpha=0.0, tol=1e-12)
    assert rel(m.loglik_, loglik_rankings(ref - ref.mean(), ranks.rankings)) < 1e-6
    pairs = fit_bradley_terry(recs, by="model", bootstrap=0, listwise=False)
    data = [
        (int(x), int(y)) if o == 1 else (int(y), int(x))
        for x, y, o in zip(
            pairs.comparisons_.a, pairs.comparisons_.b, pairs.comparisons_.outcome, strict=True
        )
    ]
    ref2 = choix.ilsr_pairwise(3, data, alpha=0.0, tol=1e-12)
    assert (
        rel(pairs.loglik_, loglik_pairs(ref2 - ref2.mean(), aggregate(pairs.comparisons_))) < 1e-6
    )


def test_oasst_trees_rank_replies_per_prompt(shared_data) -> None:  # type: ignore[no-untyped-def]
    from prefkit.data import read_records

    recs = read_records(shared_data / "oasst-en100" / "en_100_tree.jsonl")
    m = fit_bradley_terry(recs, by="prompt", bootstrap=0)
    assert np.unique(m.component_).size == 212
    # One consensus ranking per prompt: the MLE does not exist, the prior is applied and said.
    assert any("prior" in w for w in m.warnings_)
    for rec in recs[:20]:  # the fitted order within each prompt is the consensus ranking
        names = [f"{k}" for k in rec.ranking]  # type: ignore[union-attr]
        got = [
            it.split(":", 1)[1]
            for it in sorted(
                (i for i in m.items_ if i.split(":", 1)[1] in names),
                key=lambda i: -m.theta_[m.items_.index(i)],
            )
        ]
        assert got == names
    ranks = m.rankings_
    assert ranks is not None
    ref = choix.opt_rankings(len(m.items_), ranks.rankings, alpha=0.05, tol=1e-12)  # λ/2
    ours = m.theta_
    assert np.allclose(ours, ref, atol=1e-5)


def test_bootstrap_rounds_that_lose_identifiability_use_the_prior() -> None:
    rows = [("A", "B", 1.0)] * 10 + [
        ("B", "A", 1.0),
        ("B", "C", 1.0),
        ("C", "B", 1.0),
        ("A", "C", 1.0),
        ("C", "A", 1.0),
    ]
    ann = [f"a{k % 3}" for k in range(10)] + ["x", "a0", "a1", "a2", "x"]
    comp = Outcomes.from_tuples(rows, clusters={"annotator": ann})
    m = BradleyTerry(bootstrap=300, cluster="annotator", seed=0).fit(comp)  # x's rounds can vanish
    assert np.all(np.isfinite(m.ci_))
    assert any("bootstrap rounds could not identify" in w for w in m.warnings_)
