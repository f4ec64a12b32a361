"""A prefkit rule set handed to TRL's GRPOTrainer unchanged: one real step on a tiny model."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from prefkit.rewards import load_rules

pytest.importorskip("trl")
torch = pytest.importorskip("torch")


def tiny_model(folder: Path, texts: Iterable[str] = (), hidden: int = 16) -> None:
    """A 2-layer random Llama with a word-level tokenizer: the words below and those of
    ``texts`` (split the way the tokenizer splits)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    words = [
        "hello",
        "world",
        "the",
        "a",
        "answer",
        "question",
        "please",
        "summarize",
        "short",
        "long",
        "text",
        "good",
        "bad",
        "yes",
        "no",
    ]
    split = pre_tokenizers.Whitespace()
    for t in texts:
        words.extend(w for w, _ in split.pre_tokenize_str(t))
    words = list(dict.fromkeys(words))
    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", "[EOS]", *words])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = split
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]"
    )
    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=len(vocab), hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=2,
        num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=128,
        pad_token_id=1, eos_token_id=2, bos_token_id=2,
    )  # fmt: skip
    LlamaForCausalLM(cfg).save_pretrained(folder)
    fast.save_pretrained(folder)


def test_a_rule_set_is_a_trl_reward_function(tmp_path: Path) -> None:
    from datasets import Dataset
    from transformers import AutoModelForCausalLM
    from trl import GRPOConfig, GRPOTrainer

    folder = tmp_path / "tiny"
    tiny_model(folder)
    before = {
        k: v.clone() for k, v in AutoModelForCausalLM.from_pretrained(folder).state_dict().items()
    }
    rules = load_rules(
        {"name": "short", "rules": [{"name": "short", "kind": "length", "unit": "words", "max": 3}]}
    )
    calls: list[int] = []

    def reward(prompts, completions, **kw):  # type: ignore[no-untyped-def]
        out = rules(prompts, completions, **kw)
        calls.append(len(out))
        return out

    args = GRPOConfig(
        output_dir=str(tmp_path / "out"), per_device_train_batch_size=4, num_generations=4,
        max_completion_length=8, max_steps=1, learning_rate=0.05, bf16=False, use_cpu=True,
        report_to=[], logging_steps=1, save_strategy="no", seed=0,
    )  # fmt: skip
    ds = Dataset.from_dict(
        {"prompt": ["hello world please", "summarize the text", "a question", "good answer"]}
    )
    trainer = GRPOTrainer(
        model=str(folder), reward_funcs=[rules, reward], args=args, train_dataset=ds
    )
    trainer.train()
    after = trainer.model.state_dict()
    assert calls and calls[0] == 4
    assert any(not torch.equal(before[k], after[k].cpu()) for k in before)
