"""Bradley-Terry and the tie models where no finite estimate exists: a clear error, never a
number from wherever the optimizer stopped."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from prefkit.ranking import BradleyTerry, Outcomes, RankingError
from prefkit.ranking._bt import aggregate, fit_pairs  # the solver under test


def test_ties_drop_holds_for_outcomes_too() -> None:
    ties_only = Outcomes.from_tuples([("A", "B", 0.5), ("B", "C", 0.5)])
    with pytest.raises(RankingError, match="all 2 were ties, and ties='drop' drops them"):
        BradleyTerry(ties="drop", bootstrap=0).fit(ties_only)
    mixed = Outcomes.from_tuples([("A", "B", 1.0), ("B", "A", 1.0), ("A", "B", 0.5)])
    m = BradleyTerry(ties="drop", bootstrap=0).fit(mixed)
    assert m.skipped_ == {"ties_dropped": 1} and m.ties_.sum() == 0


@pytest.mark.parametrize("model", ["davidson", "rao-kupper"])
def test_tie_models_refuse_data_without_a_finite_estimate(model: str) -> None:
    ties_only = aggregate(Outcomes.from_tuples([("A", "B", 0.5), ("B", "C", 0.5), ("A", "C", 0.5)]))
    with pytest.raises(RankingError, match="every comparison is a tie"):
        fit_pairs(ties_only, model)  # type: ignore[arg-type]
    # A never strictly loses (it wins or ties): θ_A and ν run off together without a prior.
    never_loses = aggregate(
        Outcomes.from_tuples(
            [("A", "B", 1.0), ("A", "B", 0.5), ("B", "C", 1.0), ("C", "B", 1.0), ("A", "C", 0.5)]
        )
    )
    with pytest.raises(RankingError, match=r"item\(s\) \[0\] never strictly lose"):
        fit_pairs(never_loses, model)  # type: ignore[arg-type]
    theta, nu, _ = fit_pairs(never_loses, model, prior=0.1)  # type: ignore[arg-type]
    assert np.all(np.isfinite(theta)) and np.isfinite(nu)


def test_an_item_that_never_loses_is_named_without_a_linalg_warning() -> None:
    p = aggregate(
        Outcomes.from_tuples([("A", "B", 1.0), ("A", "C", 1.0), ("B", "C", 1.0), ("C", "B", 1.0)])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RankingError, match=r"item\(s\) \[0\] never lose"):
            fit_pairs(p)


def test_tie_models_over_two_groups_one_without_ties() -> None:
    rows = [("A", "B", 1.0), ("B", "A", 1.0), ("A", "B", 0.5), ("A", "B", 1.0)]
    rows += [("C", "D", 1.0), ("D", "C", 1.0), ("C", "D", 1.0)]  # no ties here
    m = BradleyTerry(ties="davidson", bootstrap=0).fit(Outcomes.from_tuples(rows))
    assert set(m.tie_params_) == {0, 1} and m.tie_params_[1] == 0.0 and m.tie_params_[0] > 0
    assert m.tie_param_ is None and any("its own tie parameter" in w for w in m.warnings_)
    both = [*rows[:4], ("C", "D", 1.0), ("D", "C", 1.0), ("C", "D", 0.5), ("D", "C", 0.5)]
    m2 = BradleyTerry(ties="davidson", bootstrap=0).fit(Outcomes.from_tuples(both))
    assert len(m2.tie_params_) == 2 and all(v > 0 for v in m2.tie_params_.values())
    board = m2.leaderboard().to_dict()
    assert set(board["tie_parameters"]) == {"0", "1"}
