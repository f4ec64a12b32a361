"""Reward functions: the TRL contract, rule sets, and their evaluation against human labels.

A reward is ``reward(prompts, completions, **columns) -> list[float]``, TRL's ``reward_funcs``
signature. ``load_rules`` reads a YAML rule set; ``evaluate_reward`` measures any reward
against human preferences, with baselines, ablations, slices and failure cases.
"""

from prefkit.rewards._contract import RewardFunction
from prefkit.rewards._diagnostics import diagnose_reward
from prefkit.rewards._embed import Embedder
from prefkit.rewards._embedding_rm import (
    EmbeddingRewardModel,
    EmbeddingRewardModelConfig,
    load_reward_model,
)
from prefkit.rewards._ensemble import Ensemble
from prefkit.rewards._evaluate import (
    BASELINES,
    RewardEvaluationConfig,
    as_comparisons,
    evaluate_reward,
    evaluate_rules,
    fit_rule_weights,
    score_pairs,
)
from prefkit.rewards._multi import MultiObjectiveRewardModel
from prefkit.rewards._report import rm_html, rules_html
from prefkit.rewards._results import (
    Ablation,
    Accuracy,
    BestOfK,
    Calibration,
    CalibrationBin,
    Ceiling,
    ConditionRow,
    Contribution,
    Failure,
    RewardDiagnostics,
    RewardEvaluation,
)
from prefkit.rewards._rules import RULE_KINDS, Rule
from prefkit.rewards._ruleset import DEFAULT_RULES, RuleSet, load_rules
from prefkit.rewards._synthetic import synthetic_stakeholders, synthetic_summaries
from prefkit.rewards._train import RewardTrainingConfig, TrainedRewardModel, train_reward_model
from prefkit.rewards._transformer_rm import TransformerRewardModel, smollm2_checkpoint

__all__ = [
    "BASELINES",
    "DEFAULT_RULES",
    "RULE_KINDS",
    "Ablation",
    "Accuracy",
    "BestOfK",
    "Calibration",
    "CalibrationBin",
    "Ceiling",
    "ConditionRow",
    "Contribution",
    "Embedder",
    "EmbeddingRewardModel",
    "EmbeddingRewardModelConfig",
    "Ensemble",
    "Failure",
    "MultiObjectiveRewardModel",
    "RewardDiagnostics",
    "RewardEvaluation",
    "RewardEvaluationConfig",
    "RewardFunction",
    "RewardTrainingConfig",
    "Rule",
    "RuleSet",
    "TrainedRewardModel",
    "TransformerRewardModel",
    "as_comparisons",
    "diagnose_reward",
    "evaluate_reward",
    "evaluate_rules",
    "fit_rule_weights",
    "load_reward_model",
    "load_rules",
    "rm_html",
    "rules_html",
    "score_pairs",
    "smollm2_checkpoint",
    "synthetic_stakeholders",
    "synthetic_summaries",
    "train_reward_model",
]
