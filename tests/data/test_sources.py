"""The published data sets import completely and faithfully."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from prefkit.data import load_records, read_records, sample_paths, to_trl_pairs

HH = {
    "harmless-base": 2312,
    "helpful-base": 2354,
    "helpful-online": 1137,
    "helpful-rejection-sampled": 2749,
}
DEGENERATE = {
    "harmless-base": 0,
    "helpful-base": 2,
    "helpful-online": 2,
    "helpful-rejection-sampled": 32,
}


@pytest.mark.parametrize("split", list(HH))
def test_hh_rlhf_splits_import_exactly(shared_data: Path, split: str) -> None:
    path = shared_data / "hh-rlhf" / split / "test.jsonl.gz"
    res = load_records(path)
    assert res.format == "hh-rlhf"
    assert len(res.records) == HH[split]
    assert len({r.id for r in res.records}) == HH[split]
    assert sum(r.degenerate for r in res.records) == DEGENERATE[split]  # flagged, not dropped
    first = json.loads(gzip.open(path, "rt").readline())
    rec = res.records[0]
    assert rec.metadata["subset"] == split and rec.source == "human"
    # the chosen transcript is exactly the prompt turns plus the preferred reply
    rebuilt = (
        "".join(
            f"\n\n{'Human' if m.role == 'user' else 'Assistant'}: {m.content}" for m in rec.prompt
        )
        + f"\n\nAssistant: {rec.response(rec.preference).text}"
    )
    assert rebuilt == first["chosen"]


def test_hh_trl_pairs_keep_every_pair(shared_data: Path) -> None:
    recs = read_records(shared_data / "hh-rlhf" / "harmless-base" / "test.jsonl.gz")
    rows = to_trl_pairs(recs)
    assert len(rows) == 2312
    assert rows[0]["chosen"][0]["role"] == "assistant"


def test_squality_pairwise_and_ratings(shared_data: Path) -> None:
    recs = read_records(shared_data / "squality" / "all-responses.jsonl")
    ratings = [r for r in recs if r.ratings]
    pairs = [r for r in recs if r.preference]
    assert len(ratings) == 300 and len(pairs) == 900  # 100 questions x 3 workers
    assert {r.annotator for r in recs} == {"squality-2", "squality-3", "squality-6", "squality-8"}
    assert all(r.rating_scale == (0, 100) for r in ratings)
    assert all(set(r.ratings) == {"correctness", "selection", "overall"} for r in ratings)
    # the human summary ranks first in 294 of the 300 worker rankings (shared/data README)
    human_beats_both = sum(
        1
        for r in ratings
        if sum(
            p.preference == "human"
            for p in pairs
            if p.annotator == r.annotator and p.prompt == r.prompt
        )
        == 2
    )
    assert human_beats_both == 294
    assert any(r.rationale and "[bart]" in r.rationale for r in pairs)
    listwise = read_records(
        shared_data / "squality" / "all-responses.jsonl", squality_mode="ranking"
    )
    assert len(listwise) == 300 and all(r.ranking for r in listwise)


def test_oasst_ranked_groups(shared_data: Path) -> None:
    recs = read_records(shared_data / "oasst-en100" / "en_100_tree.jsonl")
    assert len(recs) == 212
    assert all(r.ranking and len(r.ranking) >= 2 for r in recs)
    assert all(r.prompt[-1].role == "user" for r in recs)
    rows = to_trl_pairs(recs, from_ranking="all-pairs")
    n = sum(len(r.ranking) * (len(r.ranking) - 1) // 2 for r in recs)
    assert len(rows) == n


def test_bundled_sample_imports_without_shared() -> None:
    paths = sample_paths()
    assert len(paths) == 3
    counts = {p.name: len(read_records(p)) for p in paths}
    assert counts == {
        "hh-rlhf-harmless-base-test-sample.jsonl.gz": 150,
        "hh-rlhf-helpful-base-test-sample.jsonl.gz": 150,
        "squality-all-responses.jsonl.gz": 1200,
    }
    assert read_records(paths[0])[0].metadata["subset"] == "harmless-base"
