"""Optimize a policy against prefkit rewards and preferences.

``best_of_n`` samples n completions per prompt from any generator, scores them with any prefkit
reward (or a judge through a Bradley-Terry round robin) and keeps the best, as records, a TRL SFT
set and a preference set. ``train_dpo``, ``train_kto``, ``train_sft`` and ``train_grpo`` (GRPO
or RLOO) are thin adapters over TRL's trainers: records in, the data checked against the
tokenizer, checkpoints with resume, a model folder out (``load_generator("hf:OUT")``), a
held-out measure and an HTML report of the curves. ``win_rate`` compares the trained policy
with the starting one on held-out prompts (a reward, or a judge in both orders).
"""

from prefkit.optimize._bon import BestOfN, BestOfNConfig, BestOfNPrompt, best_of_n
from prefkit.optimize._config import (
    DPOTrainingConfig,
    GRPOTrainingConfig,
    KTOTrainingConfig,
    PolicyTrainingConfig,
    SFTTrainingConfig,
)
from prefkit.optimize._measure import WinRate, win_rate
from prefkit.optimize._offline import (
    ImplicitRewardAccuracy,
    implicit_reward_accuracy,
    train_dpo,
    train_kto,
    train_sft,
)
from prefkit.optimize._online import as_trl_reward, train_grpo
from prefkit.optimize._rows import DataCheck, LengthSummary, check_rows
from prefkit.optimize._run import TrainedPolicy, load_tokenizer

__all__ = [
    "BestOfN",
    "BestOfNConfig",
    "BestOfNPrompt",
    "DPOTrainingConfig",
    "DataCheck",
    "GRPOTrainingConfig",
    "ImplicitRewardAccuracy",
    "KTOTrainingConfig",
    "LengthSummary",
    "PolicyTrainingConfig",
    "SFTTrainingConfig",
    "TrainedPolicy",
    "WinRate",
    "as_trl_reward",
    "best_of_n",
    "check_rows",
    "implicit_reward_accuracy",
    "load_tokenizer",
    "train_dpo",
    "train_grpo",
    "train_kto",
    "train_sft",
    "win_rate",
]
