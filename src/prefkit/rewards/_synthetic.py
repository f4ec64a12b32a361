"""A seeded synthetic summarization preference set, for practising rule writing."""

from __future__ import annotations

import math
import random
from typing import Any

from prefkit.data import Judgment, judgment_from_dict

__all__ = ["STAKEHOLDERS", "synthetic_stakeholders", "synthetic_summaries"]

_NAMES = [
    "Ada",
    "Boris",
    "Chen",
    "Dara",
    "Elif",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
]
_PLACES = ["Lisbon", "Oslo", "Quito", "Nairobi", "Hanoi", "Tbilisi", "Perth", "Ghent"]
_THINGS = ["bridge", "vaccine", "festival", "election", "harvest", "museum", "railway", "reactor"]
_FILLER = [
    "the",
    "report",
    "also",
    "notes",
    "several",
    "smaller",
    "details",
    "that",
    "matter",
    "less",
    "to",
    "the",
    "main",
    "story",
]


def _doc(rng: random.Random) -> tuple[str, list[str]]:
    people = rng.sample(_NAMES, 3)
    place, thing = rng.choice(_PLACES), rng.choice(_THINGS)
    year, count = rng.randint(1990, 2025), rng.randint(3, 900)
    facts = [people[0], people[1], place, str(year), str(count)]
    text = (
        f"In {year}, {people[0]} and {people[1]} led a team in {place} that finished the new "
        f"{thing}. "
        f"{people[2]} reviewed the plans. The work involved {count} people and took four years. "
        + " ".join(rng.choices(_FILLER, k=40))
        + f". Critics in {place} said the {thing} cost too much."
    )
    return text, facts


def _summary(
    rng: random.Random,
    facts: list[str],
    thing: str,
    cover: int,
    fake: int,
    words: int,
    repeat: bool,
) -> tuple[str, dict[str, Any]]:
    kept = facts[:cover]
    invented = rng.sample([n for n in _NAMES if n not in facts], fake)
    parts = [f"{' and '.join(kept[:2]) or 'A team'} finished a {thing}"]
    if len(kept) > 2:
        parts.append(f"in {kept[2]}")
    if len(kept) > 3:
        parts.append(f"in {kept[3]}")
    if len(kept) > 4:
        parts.append(f"with {kept[4]} workers")
    if invented:
        parts.append(f"helped by {' and '.join(invented)}")
    text = " ".join(parts) + "."
    while len(text.split()) < words:
        text += " " + " ".join(rng.choices(_FILLER, k=8)) + "."
    if repeat:
        text += " " + text
    return text, {
        "coverage": cover / len(facts),
        "hallucinated": fake,
        "words": len(text.split()),
        "repetition": repeat,
    }


def synthetic_summaries(n: int = 200, *, noise: float = 1.0, seed: int = 0) -> list[Judgment]:
    """``n`` pairwise records.

    A source document, two summaries with controlled coverage, hallucinated names, length and
    repetition, and a simulated annotator who prefers coverage and brevity and dislikes
    hallucination and repetition, with logistic ``noise`` (0: none). The properties are in
    ``metadata`` so that failures can be studied.
    """
    rng = random.Random(seed)
    out = []
    for k in range(n):
        doc, facts = _doc(rng)
        thing = next(t for t in _THINGS if t in doc)
        cands = []
        for _ in range(2):
            cover, fake = rng.randint(1, 5), rng.choice([0, 0, 0, 1, 2])
            words, repeat = rng.choice([20, 40, 80, 160, 240]), rng.random() < 0.2
            text, props = _summary(rng, facts, thing, cover, fake, words, repeat)
            utility = (
                3 * props["coverage"] - 1.5 * fake - 1.0 * repeat - (props["words"] > 150) * 1.0
            )
            cands.append((text, props, utility))
        (t1, p1, u1), (t2, p2, u2) = cands
        z = (u1 - u2) / noise if noise > 0 else math.copysign(50, u1 - u2 or 1)
        first = rng.random() < 1 / (1 + math.exp(-z))
        out.append(
            judgment_from_dict(
                {
                    "id": f"synth-{seed}-{k}",
                    "prompt": f"Summarize the following text in a few sentences.\n\n{doc}",
                    "responses": [
                        {"id": "a", "text": t1, "model": "synthetic"},
                        {"id": "b", "text": t2, "model": "synthetic"},
                    ],
                    "preference": "a" if first else "b",
                    "annotator": f"simulated-noise-{noise:g}",
                    "source": "rule",
                    "metadata": {
                        "dataset": "synthetic-summaries",
                        "properties": {"a": p1, "b": p2},
                        "noise": noise,
                        "seed": seed,
                    },
                }
            )
        )
    return out


STAKEHOLDERS = {
    "[stakeholder=engineering; priority=speed]": "direct",
    "[stakeholder=legal; caution=high]": "cautious",
}
_TASKS = [
    "reset the router",
    "rotate the api keys",
    "migrate the database",
    "delete old backups",
    "update the firewall",
    "restart the cluster",
    "change the admin password",
    "export user data",
]


def synthetic_stakeholders(n: int = 200, *, seed: int = 0) -> list[Judgment]:
    """Pairs where stakeholders disagree by construction.

    Engineering prefers the short direct answer, legal the cautious one with caveats. The condition
    is ``metadata.condition``.
    """
    rng = random.Random(seed)
    out = []
    for k in range(n):
        task = rng.choice(_TASKS)
        direct = f"Run the script to {task} now. It takes two minutes."
        cautious = (
            f"Before you {task}, check the policy and get approval. Keep a backup, and "
            "note that doing it wrong may expose data. Consult the security team."
        )
        cond = rng.choice(list(STAKEHOLDERS))
        first_is_direct = rng.random() < 0.5
        a, b = (direct, cautious) if first_is_direct else (cautious, direct)
        wants_direct = STAKEHOLDERS[cond] == "direct"
        pref = "a" if wants_direct == first_is_direct else "b"
        out.append(
            judgment_from_dict(
                {
                    "id": f"stake-{seed}-{k}",
                    "prompt": f"How do I {task}?",
                    "responses": [{"id": "a", "text": a}, {"id": "b", "text": b}],
                    "preference": pref,
                    "annotator": STAKEHOLDERS[cond],
                    "source": "rule",
                    "metadata": {"dataset": "synthetic-stakeholders", "condition": cond},
                }
            )
        )
    return out
