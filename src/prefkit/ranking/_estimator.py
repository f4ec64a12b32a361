"""``BradleyTerry``: the estimator behind ``fit_bradley_terry``, ``leaderboard``, ``rank``."""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np

from prefkit._config import config_from, resolve
from prefkit.data import Judgment
from prefkit.errors import PrefkitWarning
from prefkit.ranking._bt import (
    Pairs,
    _laplacian,
    aggregate,
    chord_bt,
    fit_pairs,
    newton_bt,
    pair_index,
    strong_components,
    weak_components,
)
from prefkit.ranking._config import BradleyTerryConfig, Ties
from prefkit.ranking._data import Outcomes, RankingError, Rankings, outcomes_from_records
from prefkit.ranking._models import fit_joint, fit_style
from prefkit.ranking._results import Leaderboard, LeaderboardRow, RatingScale

__all__ = ["UNIDENTIFIED_PRIOR", "BradleyTerry"]

UNIDENTIFIED_PRIOR = 0.1  # the L2 prior applied when the MLE does not exist (see ``identify``)


class BradleyTerry:
    """Bradley-Terry ratings with bootstrap confidence intervals (scikit-learn conventions).

    Args:
        config: the settings (:class:`BradleyTerryConfig`, whose fields document each one);
            the defaults when omitted.
        **overrides: any field of the config, e.g. ``BradleyTerry(prior=0.1, bootstrap=0)``.

    After ``fit`` the settings are also attributes (``model.prior``), as in scikit-learn, and
    ``cluster_`` is the cluster the bootstrap resampled (``auto`` resolved).
    """

    def __init__(self, config: BradleyTerryConfig | None = None, /, **overrides: Any) -> None:
        base = resolve(
            BradleyTerryConfig, config, overrides, what="BradleyTerry", error=RankingError
        )
        self.config = base
        for name, value in dataclasses.asdict(base).items():
            setattr(self, name, value)
        self.ties: Ties
        self.prior: float
        self.style_control: bool
        self.listwise: bool
        self.identify: Literal["auto", "error"]
        self.bootstrap: int
        self.cluster: str
        self.confidence: float
        self.anchor: str | None
        self.scale: float
        self.base: float
        self.offset: float
        self.seed: int

    # ----------------------------------------------------------------------------- fitting

    def fit(
        self, data: Outcomes | Iterable[Judgment], *, by: Literal["model", "prompt"] = "model"
    ) -> BradleyTerry:
        """Fit on comparisons, or on judgment records (items ``by`` model or per prompt)."""
        self._check_params()
        self.by_ = None if isinstance(data, Outcomes) else by
        ranks: Rankings | None = None
        self.skipped_: dict[str, int] = {}
        if isinstance(data, Outcomes):
            comp = data
            if self.ties == "drop":  # the same policy whatever the input
                tie = comp.outcome == 0.5
                self.skipped_ = {"ties_dropped": int(tie.sum())}
                comp = _select(comp, np.flatnonzero(~tie))
        else:
            comp, ranks, self.skipped_ = outcomes_from_records(
                data,
                by=by,
                ties="drop" if self.ties == "drop" else "half",
                rankings="listwise" if self.listwise else "pairs",
                style=self.style_control,
            )
        if len(comp) == 0 and ranks is None:
            dropped = self.skipped_.get("ties_dropped", 0)
            raise RankingError(
                "no comparisons to rank: "
                + (
                    f"all {dropped} were ties, and ties='drop' drops them (use ties='half')"
                    if dropped
                    else "the records need a preference or a ranking between "
                    + (
                        "responses with model names (Response.model)"
                        if by == "model"
                        else "responses"
                    )
                )
            )
        self.comparisons_ = comp
        self.rankings_ = ranks
        self.cluster_ = self.cluster
        if self.cluster == "auto":
            has = "prompt" in comp.clusters or (ranks is not None and "prompt" in ranks.clusters)
            self.cluster_ = "prompt" if has else "none"
        self.items_ = list(comp.items)
        self.warnings_: list[str] = []
        n = len(self.items_)
        pairs = aggregate(comp) if len(comp) else None
        groups = self._groups(pairs, ranks, n)
        self.component_ = groups
        self.theta_, self.tie_param_, self.style_coef_, self.loglik_, priors = self._fit_all(
            comp, ranks, pairs, groups, None
        )
        self.priors_ = priors
        self._stats(comp, ranks)
        self._bootstrap(comp, ranks, pairs, groups, priors)
        self._finish()
        return self

    def _check_params(self) -> None:
        """Re-check the settings (attributes may have been changed after construction)."""
        fields = {f.name for f in dataclasses.fields(BradleyTerryConfig)}
        self.config = config_from(
            BradleyTerryConfig,
            {k: getattr(self, k) for k in fields},
            what="BradleyTerry",
            error=RankingError,
        )

    def _edges(self, pairs: Pairs | None, ranks: Rankings | None, n: int) -> Pairs:
        """Pairs plus the "beats" edges implied by whole rankings (for connectivity only)."""
        i, j, wi, wj, t = [], [], [], [], []
        if pairs is not None:
            i, j, wi, wj, t = [pairs.i], [pairs.j], [pairs.wins_i], [pairs.wins_j], [pairs.ties]
        if ranks is not None:
            a, b = [], []
            for r in ranks.rankings:
                for k in range(len(r) - 1):
                    a.extend(r[k : k + 1] * (len(r) - k - 1))
                    b.extend(r[k + 1 :])
            if a:
                aa, bb = np.array(a), np.array(b)
                lo, hi = np.minimum(aa, bb), np.maximum(aa, bb)
                i.append(lo)
                j.append(hi)
                wi.append((aa == lo).astype(float))
                wj.append((aa != lo).astype(float))
                t.append(np.zeros(aa.size))
        cat = [np.concatenate(x) if x else np.zeros(0) for x in (i, j, wi, wj, t)]
        return Pairs(n, cat[0].astype(np.int64), cat[1].astype(np.int64), cat[2], cat[3], cat[4])

    def _groups(self, pairs: Pairs | None, ranks: Rankings | None, n: int) -> np.ndarray:
        edges = self._edges(pairs, ranks, n)
        n_weak, weak = weak_components(edges)
        if n_weak > 1:
            if self.identify == "error" and self.prior == 0:
                raise RankingError(
                    f"the items fall into {n_weak} groups that were never compared with each "
                    "other; "
                    "ratings across groups mean nothing. Compare across groups, or let prefkit fit "
                    "each group separately (identify='auto')"
                )
            if self.prior == 0:
                self.warnings_.append(
                    f"the items fall into {n_weak} groups never compared with each other; "
                    "each group "
                    "is fitted on its own and ratings compare only within a group (see 'group')"
                )
        if self.prior == 0:
            n_strong, _ = strong_components(edges)
            if n_strong > n_weak:
                never_lost = [self.items_[k] for k in range(n) if not _lost(edges, k)]
                never_won = [self.items_[k] for k in range(n) if not _won(edges, k)]
                detail = []
                if never_lost:
                    detail.append(
                        f"never lost: {', '.join(never_lost[:5])}"
                        f"{' …' if len(never_lost) > 5 else ''}"
                    )
                if never_won:
                    detail.append(
                        f"never won: {', '.join(never_won[:5])}{' …' if len(never_won) > 5 else ''}"
                    )
                msg = (
                    "the maximum-likelihood ratings do not exist (some items "
                    + "; ".join(detail)
                    + ")"
                )
                if self.identify == "error":
                    raise RankingError(msg + f"; fit with a prior (prior={UNIDENTIFIED_PRIOR})")
                fallback = (
                    msg + f"; an L2 prior of {UNIDENTIFIED_PRIOR} keeps them finite in the groups "
                    "affected, and their intervals are bounded by the prior more than by data"
                )
                self.warnings_.append(fallback)  # not the MLE asked for: a Python warning too
                warnings.warn(fallback, PrefkitWarning, stacklevel=3)
        return weak if self.prior == 0 else np.zeros(n, dtype=np.int64)

    def _fit_all(
        self,
        comp: Outcomes,
        ranks: Rankings | None,
        pairs: Pairs | None,
        groups: np.ndarray,
        weights: np.ndarray | None,
        rank_weights: np.ndarray | None = None,
    ) -> tuple[np.ndarray, float | None, np.ndarray | None, float, dict[int, float]]:
        n = len(comp.items)
        theta = np.zeros(n)
        style, total_ll = None, 0.0
        tie_params: dict[int, float] = {}
        priors: dict[int, float] = {}
        for g in np.unique(groups):
            members = np.flatnonzero(groups == g)
            sub_comp, sub_ranks, keep, rkeep = _restrict(comp, ranks, members)
            w = weights[keep] if weights is not None else None
            rw = rank_weights[rkeep] if (rank_weights is not None and rkeep is not None) else None
            sub_pairs = aggregate(sub_comp, w) if len(sub_comp) else None
            prior = self.prior
            if prior == 0:
                edges = self._edges(sub_pairs, sub_ranks, members.size)
                if strong_components(edges)[0] > 1:
                    prior = UNIDENTIFIED_PRIOR
            priors[int(g)] = prior
            if self.style_control and len(sub_comp):
                th, style, ll = fit_style(sub_comp, prior, w)
            elif sub_ranks is not None and sub_ranks.rankings:
                th, ll = fit_joint(members.size, sub_pairs, sub_ranks.rankings, prior, rw)
            else:
                assert sub_pairs is not None
                model = "half" if self.ties == "drop" else self.ties
                if model != "half" and float(sub_pairs.ties.sum()) == 0 and groups.max() > 0:
                    # a group without ties: its tie parameter is at the boundary (no ties),
                    # and its ratings are plain Bradley-Terry
                    th, _, ll = fit_pairs(sub_pairs, "half", prior)
                    tie_params[int(g)] = 0.0 if model == "davidson" else 1.0
                else:
                    th, tp, ll = fit_pairs(sub_pairs, model, prior)
                    if tp is not None:
                        tie_params[int(g)] = tp
            theta[members] = th
            total_ll += ll
        if weights is None:  # the point estimate, not a bootstrap round
            self.tie_params_ = tie_params
        tie_param = next(iter(tie_params.values())) if len(tie_params) == 1 else None
        if len(tie_params) > 1 and weights is None:
            self.warnings_.append(
                f"each of the {len(tie_params)} groups has its own tie parameter "
                f"({', '.join(f'group {k}: {v:.3g}' for k, v in sorted(tie_params.items()))})"
            )
        return theta, tie_param, style, total_ll, priors

    def _stats(self, comp: Outcomes, ranks: Rankings | None) -> None:
        n = len(comp.items)
        a_won, b_won, tie = comp.outcome == 1.0, comp.outcome == 0.0, comp.outcome == 0.5
        self.wins_ = np.bincount(comp.a[a_won], minlength=n) + np.bincount(
            comp.b[b_won], minlength=n
        )
        self.losses_ = np.bincount(comp.b[a_won], minlength=n) + np.bincount(
            comp.a[b_won], minlength=n
        )
        self.ties_ = np.bincount(comp.a[tie], minlength=n) + np.bincount(comp.b[tie], minlength=n)
        if ranks is not None:
            for r in ranks.rankings:
                for k, item in enumerate(r):
                    self.wins_[item] += len(r) - k - 1
                    self.losses_[item] += k
        self.games_ = self.wins_ + self.losses_ + self.ties_

    # --------------------------------------------------------------------------- bootstrap

    def _bootstrap(
        self,
        comp: Outcomes,
        ranks: Rankings | None,
        pairs: Pairs | None,
        groups: np.ndarray,
        priors: dict[int, float],
    ) -> None:
        self.bootstrap_theta_: np.ndarray | None = None
        if self.bootstrap == 0:
            return
        rng = np.random.default_rng(self.seed)
        if self.cluster_ != "none":
            ids = comp.clusters.get(self.cluster_)
            k = int(np.unique(ids).size) if ids is not None and ids.size else 0
            if ranks is not None and self.cluster_ in ranks.clusters:
                k = max(k, int(np.unique(ranks.clusters[self.cluster_]).size))
            if 0 < k < 30:
                self.warnings_.append(
                    f"only {k} {self.cluster_}s to resample: a cluster bootstrap with so few "
                    "clusters gives unstable intervals; read them as rough"
                )
        fast = (
            pairs is not None
            and ranks is None
            and not self.style_control
            and self.ties in ("half", "drop")
            and np.unique(groups).size == 1
        )
        if fast:
            assert pairs is not None
            stats = {"prior_rounds": 0}
            self.bootstrap_theta_ = _fast_bootstrap(
                comp,
                pairs,
                self.theta_,
                priors[int(groups[0])],
                self.bootstrap,
                self.cluster_,
                rng,
                stats,
            )
            if stats["prior_rounds"]:
                self.warnings_.append(
                    f"{stats['prior_rounds']} of {self.bootstrap} bootstrap rounds could not "
                    f"identify the ratings (an item never lost in them) and used the "
                    f"{UNIDENTIFIED_PRIOR} prior: the intervals of such items are bounded by it"
                )
            return
        reps = np.empty((self.bootstrap, len(comp.items)))
        row_clusters, rank_clusters = _cluster_ids(comp, ranks, self.cluster_)
        n_clusters = int(max(row_clusters.max(initial=-1), rank_clusters.max(initial=-1))) + 1
        for b in range(self.bootstrap):
            cw = np.bincount(rng.integers(0, n_clusters, n_clusters), minlength=n_clusters).astype(
                float
            )
            w = cw[row_clusters]
            rw = cw[rank_clusters] if rank_clusters.size else None
            reps[b] = self._fit_all(comp, ranks, None, groups, w, rw)[0]
        self.bootstrap_theta_ = reps

    # ------------------------------------------------------------------------------ output

    def _finish(self) -> None:
        k = self.scale / math.log(self.base)
        shift = 0.0
        if self.anchor is not None:
            if self.anchor not in self.items_:
                raise RankingError(
                    f"anchor {self.anchor!r} is not an item; items: {self.items_[:10]}"
                )
            shift = -k * float(self.theta_[self.items_.index(self.anchor)])
        self.shift_ = shift
        self.ratings_ = k * self.theta_ + self.offset + shift
        n = len(self.items_)
        self.ci_theta_: np.ndarray | None = None
        self.ci_: np.ndarray | None = None
        if self.bootstrap_theta_ is not None:
            tail = (1 - self.confidence) / 2 * 100
            lo, hi = np.percentile(self.bootstrap_theta_, [tail, 100 - tail], axis=0)
            self.ci_theta_ = np.stack([lo, hi], axis=1)
            self.ci_ = k * self.ci_theta_ + self.offset + shift  # one shift for every round
            upper, lower = self.ci_[:, 1], self.ci_[:, 0]
            same = self.component_[:, None] == self.component_[None, :]
            self.rank_ = 1 + ((lower[None, :] > upper[:, None]) & same).sum(axis=1)
            width = float(np.median(self.ci_[:, 1] - self.ci_[:, 0]))
            if width > 100:
                data = len(self.comparisons_) + (
                    len(self.rankings_.rankings) if self.rankings_ else 0
                )
                self.warnings_.append(
                    f"the intervals are wide (median {width:.0f} rating points) for {data} "
                    f"comparisons and rankings over {n} items: many ranks overlap; more "
                    "comparisons per item would narrow them"
                )
        else:
            order = np.argsort(-self.ratings_)
            self.rank_ = np.empty(n, dtype=np.int64)
            self.rank_[order] = np.arange(1, n + 1)
        thin = [self.items_[i] for i in range(n) if self.games_[i] < 10]
        if thin:
            self.warnings_.append(
                f"{len(thin)} item(s) have fewer than 10 comparisons (e.g. {thin[0]}); "
                "their ratings are rough"
            )

    def leaderboard(
        self, *, by: str | None = None, source: str | None = None, campaign: str | None = None
    ) -> Leaderboard:
        """The fitted ratings as a :class:`Leaderboard`, best first."""
        rows = [
            LeaderboardRow(
                item=item,
                rating=float(self.ratings_[i]),
                ci=(
                    (float(self.ci_[i][0]), float(self.ci_[i][1])) if self.ci_ is not None else None
                ),
                rank=int(self.rank_[i]),
                theta=float(self.theta_[i]),
                wins=int(self.wins_[i]),
                losses=int(self.losses_[i]),
                ties=int(self.ties_[i]),
                games=int(self.games_[i]),
                group=int(self.component_[i]),
            )
            for i, item in enumerate(self.items_)
        ]
        rows.sort(key=lambda r: (r.group, r.rank, -r.rating))
        return Leaderboard(
            items=len(self.items_),
            comparisons=len(self.comparisons_),
            rankings=len(self.rankings_.rankings) if self.rankings_ is not None else 0,
            groups=int(np.unique(self.component_).size),
            ties=self.ties,
            tie_parameter=self.tie_param_,
            tie_parameters={str(k): v for k, v in self.tie_params_.items()},
            prior=self.prior,
            priors_applied={str(k): v for k, v in self.priors_.items() if v != self.prior},
            style_control=self.style_control,
            style_coefficients=(
                dict(
                    zip(self.comparisons_.feature_names, map(float, self.style_coef_), strict=True)
                )
                if self.style_coef_ is not None
                else None
            ),
            log_likelihood=self.loglik_,
            bootstrap=self.bootstrap,
            cluster=self.cluster_,
            confidence=self.confidence,
            scale=RatingScale(self.scale, self.base, self.offset, self.anchor),
            skipped=dict(self.skipped_),
            warnings=tuple(self.warnings_),
            rows=tuple(rows),
            by=by if by is not None else getattr(self, "by_", None),
            source=source,
            campaign=campaign,
        )

    def to_dict(self) -> dict[str, Any]:
        """``self.leaderboard().to_dict()``: the ``prefkit rank --json`` output."""
        return self.leaderboard().to_dict()


# ------------------------------------------------------------------------------------ helpers


def _lost(p: Pairs, k: int) -> bool:
    return bool(
        ((p.j == k) & ((p.wins_i + p.ties) > 0)).any()
        or ((p.i == k) & ((p.wins_j + p.ties) > 0)).any()
    )


def _won(p: Pairs, k: int) -> bool:
    return bool(
        ((p.i == k) & ((p.wins_i + p.ties) > 0)).any()
        or ((p.j == k) & ((p.wins_j + p.ties) > 0)).any()
    )


def _select(comp: Outcomes, keep: np.ndarray) -> Outcomes:
    """The rows ``keep`` of ``comp`` (same items)."""
    return Outcomes(
        comp.items,
        comp.a[keep],
        comp.b[keep],
        comp.outcome[keep],
        {k: v[keep] for k, v in comp.clusters.items()},
        comp.features[keep] if comp.features is not None else None,
        comp.feature_names,
    )


def _restrict(
    comp: Outcomes, ranks: Rankings | None, members: np.ndarray
) -> tuple[Outcomes, Rankings | None, np.ndarray, np.ndarray | None]:
    n = len(comp.items)
    if members.size == n:
        return (
            comp,
            ranks,
            np.arange(len(comp)),
            (np.arange(len(ranks.rankings)) if ranks else None),
        )
    local = np.full(n, -1)
    local[members] = np.arange(members.size)
    keep = np.flatnonzero(local[comp.a] >= 0)
    sub = Outcomes(
        [comp.items[m] for m in members],
        local[comp.a[keep]],
        local[comp.b[keep]],
        comp.outcome[keep],
        features=comp.features[keep] if comp.features is not None else None,
        feature_names=comp.feature_names,
    )
    sub_ranks, rkeep = None, None
    if ranks is not None:
        rkeep = np.array(
            [k for k, r in enumerate(ranks.rankings) if local[r[0]] >= 0], dtype=np.int64
        )
        sub_ranks = Rankings(sub.items, [[int(local[x]) for x in ranks.rankings[k]] for k in rkeep])
    return sub, sub_ranks, keep, rkeep


def _cluster_ids(
    comp: Outcomes, ranks: Rankings | None, cluster: str
) -> tuple[np.ndarray, np.ndarray]:
    n_rows = len(comp)
    n_ranks = len(ranks.rankings) if ranks is not None else 0
    if cluster == "none":
        return np.arange(n_rows), np.arange(n_rows, n_rows + n_ranks)
    if cluster not in comp.clusters and (ranks is None or cluster not in ranks.clusters):
        raise RankingError(f"no {cluster} ids in the data to cluster by; use cluster='none'")
    rows = (
        comp.clusters.get(cluster, np.zeros(0, dtype=np.int64))
        if n_rows
        else np.zeros(0, dtype=np.int64)
    )
    rk = (
        ranks.clusters.get(cluster, np.zeros(0, dtype=np.int64))
        if ranks is not None
        else np.zeros(0, dtype=np.int64)
    )
    return rows, (rk + (rows.max(initial=-1) + 1))


def _fast_bootstrap(
    comp: Outcomes,
    pairs: Pairs,
    theta: np.ndarray,
    prior: float,
    rounds: int,
    cluster: str,
    rng: np.random.Generator,
    stats: dict[str, int],
) -> np.ndarray:
    """Bootstrap on pair counts.

    A round's data is a new count per (pair, outcome) cell, from a multinomial over cells
    (resampling comparisons) or a sparse cluster × cell sum (resampling clusters); each round is
    fitted by chord Newton from the point estimate with one shared Cholesky factor.
    """
    from scipy import linalg, sparse

    n = pairs.n_items
    inverse, kind, _, _ = pair_index(comp)
    cells = inverse * 3 + kind
    n_cells = 3 * pairs.i.size
    games = pairs.games
    q = 1 / (1 + np.exp(-(theta[pairs.i] - theta[pairs.j])))
    lap = _laplacian(pairs, games * q * (1 - q))
    lap[np.diag_indices(n)] += prior
    if prior == 0:
        lap += 1.0 / n
    factor = linalg.cho_factor(lap)
    out = np.empty((rounds, n))
    m = len(comp)
    if cluster == "none":
        counts = np.bincount(cells, minlength=n_cells).astype(float)
        draws = rng.multinomial(m, counts / counts.sum(), size=rounds).astype(float)
    else:
        if cluster not in comp.clusters:
            raise RankingError(f"no {cluster} ids in the data to cluster by; use cluster='none'")
        ids = comp.clusters[cluster]
        c = int(ids.max()) + 1
        mat = sparse.csr_matrix((np.ones(m), (cells, ids)), shape=(n_cells, c))
        draws = None
    for b in range(rounds):
        if draws is not None:
            cnt = draws[b].reshape(-1, 3)
        else:
            w = np.bincount(rng.integers(0, c, c), minlength=c).astype(float)
            cnt = (mat @ w).reshape(-1, 3)
        p = Pairs(n, pairs.i, pairs.j, cnt[:, 0], cnt[:, 1], cnt[:, 2])
        try:
            out[b] = chord_bt(p, theta, factor, prior)
        except RankingError:
            # This resample cannot identify the ratings (an item never loses in it): fit it
            # with the weak prior, keep the same gauge, and say how often that happened.
            th = newton_bt(p, max(prior, UNIDENTIFIED_PRIOR), theta)[0]
            out[b] = th - th.mean() if prior == 0 else th
            stats["prior_rounds"] += 1
    return out
