"""Creating campaigns from stored judgments, and the per-annotator order of their work.

A campaign is a list of *units*. A unit is what one annotator takes at once: one pair, or (with
``triads``) every pair of one prompt's three or more responses, so that the same person judges
all of them. Gold and attention units go to every annotator; other units to ``overlap`` of them.
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from prefkit._json import loads
from prefkit.annotate import _schema as w
from prefkit.annotate._config import CampaignConfig, GoldItem
from prefkit.data import Store, Transaction
from prefkit.data import schema as t
from prefkit.errors import PrefkitError

__all__ = [
    "Campaign",
    "CampaignCreated",
    "Item",
    "create_campaign",
    "gold_records",
    "list_campaigns",
    "load_campaign",
]

GOLD_KINDS = ("gold", "attention")


@dataclass(frozen=True)
class CampaignCreated:
    name: str
    units: int
    items: int
    gold: int
    attention: int
    skipped_degenerate: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Item:
    """One pair of a campaign with its texts (items never change once created)."""

    id: int
    unit_id: int
    unit_kind: str
    prompt: Any
    a_id: str
    a_hash: str
    a_text: str
    a_model: str | None
    b_id: str
    b_hash: str
    b_text: str
    b_model: str | None
    source_judgment: str | None
    answer: str | None


_ITEM_SQL = (
    "SELECT i.id, i.unit_id, u.kind, p.content, i.a_id, i.a_hash, ra.text, i.a_model, "
    "i.b_id, i.b_hash, rb.text, i.b_model, i.source_judgment, i.answer "
    "FROM campaign_items i JOIN campaign_units u ON u.id = i.unit_id "
    "JOIN prompts p ON p.hash = i.prompt_hash JOIN responses ra ON ra.hash = i.a_hash "
    "JOIN responses rb ON rb.hash = i.b_hash WHERE i.id = ?"
)
_ITEM_CACHE = 50_000


@dataclass
class Campaign:
    """A campaign's config and units, as the workbench keeps them in memory (they never change)."""

    config: CampaignConfig
    unit_ids: list[int]
    unit_kind: dict[int, str]
    unit_items: dict[int, list[int]]
    _orders: dict[str, list[int]] = field(default_factory=dict)
    _repeats: dict[str, frozenset[int]] = field(default_factory=dict)
    _items: dict[int, Item] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.config.name

    @functools.cached_property
    def criteria_json(self) -> list[dict[str, Any]]:
        return [c.model_dump(mode="json") for c in self.config.criteria]

    def item(self, conn: Connection, item_id: int) -> Item:
        """An item with its texts, read once and then kept in memory."""
        hit = self._items.get(item_id)
        if hit is not None:
            return hit
        from prefkit.annotate._sql import Raw

        raw = Raw(conn)
        row = raw.one(_ITEM_SQL, (item_id,))
        if row is None:
            raise PrefkitError(f"campaign {self.name!r} has no item {item_id}")
        vals = list(row)
        vals[3] = raw.json_out(vals[3])
        item = Item(*vals)
        if len(self._items) >= _ITEM_CACHE:
            self._items.clear()
        self._items[item_id] = item
        return item

    def order_for(self, user: str) -> list[int]:
        """The unit order one annotator works through: seeded by campaign and name, so stable."""
        order = self._orders.get(user)
        if order is None:
            rng = random.Random(f"{self.config.seed}:{self.name}:{user}")
            regular = [u for u in self.unit_ids if self.unit_kind[u] not in GOLD_KINDS]
            gold = [u for u in self.unit_ids if self.unit_kind[u] in GOLD_KINDS]
            rng.shuffle(regular)
            order = list(regular)
            for g in gold:  # gold and attention checks at random places, never first
                order.insert(rng.randint(min(1, len(order)), len(order)), g)
            self._orders[user] = order
        return order

    def left_first(self, user: str, item_id: int) -> bool:
        """Whether response A of an item is shown on the left to this annotator."""
        return random.Random(f"{self.config.seed}:{self.name}:{user}:{item_id}").random() < 0.5

    def repeated_items(self, user: str) -> frozenset[int]:
        """The items (gold aside) one annotator will see again: :meth:`repeat_drawn`, kept."""
        hit = self._repeats.get(user)
        if hit is None:
            hit = frozenset(
                i
                for u in self.unit_ids
                if self.unit_kind[u] not in GOLD_KINDS
                for i in self.unit_items[u]
                if self.repeat_drawn(user, i)
            )
            self._repeats[user] = hit
        return hit

    def repeat_drawn(self, user: str, item_id: int) -> bool:
        rate = self.config.repeats
        return (
            rate > 0
            and random.Random(f"repeat:{self.config.seed}:{user}:{item_id}").random() < rate
        )


def _select(conn: Connection, cfg: CampaignConfig) -> list[tuple[str, str, str | None]]:
    j = t.judgments
    q = sa.select(j.c.id, j.c.prompt_hash, j.c.source, j.c.campaign, j.c.meta, j.c.preference)
    sel = cfg.pairs
    q = q.where(j.c.n_responses >= sel.min_responses, t.visible(j)).order_by(j.c.pk)
    if sel.source is not None:
        q = q.where(j.c.source == sel.source)
    if sel.campaign is not None:
        q = q.where(j.c.campaign == sel.campaign)
    rows = []
    wanted = set(sel.ids) if sel.ids is not None else None
    for jid, phash, _src, _camp, meta, pref in conn.execute(q):
        if wanted is not None and jid not in wanted:
            continue
        if sel.dataset is not None or sel.subset is not None:
            m = meta if isinstance(meta, dict) else (loads(meta) if meta else {})
            if sel.dataset is not None and m.get("dataset") != sel.dataset:
                continue
            if sel.subset is not None and m.get("subset") != sel.subset:
                continue
        rows.append((jid, phash, pref))
    if wanted is not None:
        missing = sorted(wanted - {r[0] for r in rows})
        if missing:
            raise PrefkitError(
                f"pairs.ids: {len(missing)} judgment(s) not in the store (or with fewer than two "
                f"responses), e.g. {missing[0]!r}; import them first"
            )
    if sel.limit is not None and len(rows) > sel.limit:
        keep = sorted(random.Random(sel.seed).sample(range(len(rows)), sel.limit))
        rows = [rows[i] for i in keep]
    return rows


def _responses(conn: Connection, ids: list[str]) -> dict[str, list[tuple[str, str, str | None]]]:
    jr = t.judgment_responses
    out: dict[str, list[tuple[str, str, str | None]]] = {}
    for i in range(0, len(ids), 500):
        q = (
            sa.select(jr.c.judgment_id, jr.c.local_id, jr.c.response_hash, jr.c.model)
            .where(jr.c.judgment_id.in_(ids[i : i + 500]))
            .order_by(jr.c.judgment_id, jr.c.position)
        )
        for jid, local, rhash, model in conn.execute(q):
            out.setdefault(jid, []).append((local, rhash, model))
    return out


def create_campaign(store: Store, config: CampaignConfig) -> CampaignCreated:
    """Create a campaign from judgments in the store; one transaction, nothing on error."""
    w.ensure(store.engine)
    with store.transaction() as tx:
        conn = tx.connection
        if conn.execute(
            sa.select(t.campaigns.c.name).where(t.campaigns.c.name == config.name)
        ).first():
            exists = conn.execute(
                sa.select(sa.func.count())
                .select_from(w.campaign_units)
                .where(w.campaign_units.c.campaign == config.name)
            ).scalar_one()
            if exists:
                raise PrefkitError(f"campaign {config.name!r} exists already; choose another name")
            conn.execute(
                t.campaigns.update()
                .where(t.campaigns.c.name == config.name)
                .values(config=config.model_dump(mode="json"))
            )
        else:
            conn.execute(
                t.campaigns.insert().values(name=config.name, config=config.model_dump(mode="json"))
            )
        rows = _select(conn, config)
        if not rows and not config.gold and not config.attention_checks:
            raise PrefkitError(
                "no stored judgment matches 'pairs' "
                f"({config.pairs.model_dump(exclude_none=True)}); import data first or widen it"
            )
        by_id = _responses(conn, [r[0] for r in rows])
        units: list[tuple[str, list[dict[str, Any]]]] = []
        degenerate = 0
        for jid, phash, _pref in rows:
            resps = by_id.get(jid, [])
            pairs = [
                (a, b) for a, b in itertools.combinations(resps, 2) if a[1] != b[1]
            ]  # identical texts: nothing to compare
            degenerate += len(list(itertools.combinations(resps, 2))) - len(pairs)
            items = [_item(jid, phash, a, b, None) for a, b in pairs]
            if not items:
                continue
            if config.triads and len(resps) >= 3:
                units.append(("triad", items))
            else:
                units.extend(("pair", [it]) for it in items)
        for kind, golds in (("gold", config.gold), ("attention", config.attention_checks)):
            for g in golds:
                units.append((kind, [_gold_item(tx, g, kind)]))
        n_items = 0
        for kind, items in units:
            pk = conn.execute(
                w.campaign_units.insert().values(campaign=config.name, kind=kind)
            ).inserted_primary_key
            assert pk is not None
            unit_id = pk[0]
            conn.execute(
                w.campaign_items.insert(),
                [{**it, "unit_id": unit_id, "campaign": config.name} for it in items],
            )
            n_items += len(items)
        return CampaignCreated(
            name=config.name,
            units=len(units),
            items=n_items,
            gold=len(config.gold),
            attention=len(config.attention_checks),
            skipped_degenerate=degenerate,
        )


def _item(
    jid: str | None,
    phash: str,
    a: tuple[str, str, str | None],
    b: tuple[str, str, str | None],
    answer: str | None,
) -> dict[str, Any]:
    return {
        "source_judgment": jid,
        "prompt_hash": phash,
        "a_id": a[0],
        "a_hash": a[1],
        "a_model": a[2],
        "b_id": b[0],
        "b_hash": b[1],
        "b_model": b[2],
        "answer": answer,
    }


def _gold_item(tx: Transaction, g: GoldItem, kind: str) -> dict[str, Any]:
    conn = tx.connection
    if g.judgment is not None:
        j = t.judgments
        row = conn.execute(
            sa.select(j.c.prompt_hash, j.c.preference).where(j.c.id == g.judgment, t.visible(j))
        ).first()
        if row is None:
            raise PrefkitError(f"{kind} item: judgment {g.judgment!r} is not in the store")
        resps = _responses(conn, [g.judgment])[g.judgment]
        if len(resps) != 2:
            raise PrefkitError(
                f"{kind} item: judgment {g.judgment!r} has {len(resps)} responses; a gold item "
                "is one pair"
            )
        answer = g.answer if g.answer is not None else row.preference
        ids = [r[0] for r in resps]
        if answer not in (*ids, "tie"):
            raise PrefkitError(
                f"{kind} item {g.judgment!r}: answer {answer!r} is not one of {[*ids, 'tie']}"
            )
        return _item(g.judgment, row.prompt_hash, resps[0], resps[1], answer)
    assert g.prompt is not None and g.responses is not None
    ids = [r.get("id") or f"r{i + 1}" for i, r in enumerate(g.responses)]
    if g.answer not in (*ids, "tie"):
        raise PrefkitError(f"{kind} item: answer {g.answer!r} is not one of {[*ids, 'tie']}")
    texts = [r.get("text", "") for r in g.responses]
    phash, rhashes = tx.put_texts(g.prompt, texts)
    return _item(None, phash, (ids[0], rhashes[0], None), (ids[1], rhashes[1], None), g.answer)


def list_campaigns(store: Store) -> list[dict[str, Any]]:
    """The campaigns with units, by name: ``name``, ``units`` and stored ``judgments``."""
    w.ensure(store.engine)
    u = w.campaign_units
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(u.c.campaign, sa.func.count()).group_by(u.c.campaign).order_by(u.c.campaign)
        ).all()
    return [{"name": n, "units": int(k), "judgments": store.count(campaign=n)} for n, k in rows]


def load_campaign(conn: Connection, name: str) -> Campaign | None:
    """The campaign called ``name`` as stored, or None when there is none."""
    row = conn.execute(sa.select(t.campaigns.c.config).where(t.campaigns.c.name == name)).first()
    if row is None or row.config is None:
        return None
    cfg_raw = row.config if isinstance(row.config, dict) else loads(row.config)
    config = CampaignConfig.model_validate(cfg_raw)
    u, it = w.campaign_units, w.campaign_items
    unit_ids: list[int] = []
    kinds: dict[int, str] = {}
    for uid, kind in conn.execute(
        sa.select(u.c.id, u.c.kind).where(u.c.campaign == name).order_by(u.c.id)
    ):
        unit_ids.append(uid)
        kinds[uid] = kind
    items: dict[int, list[int]] = {}
    for iid, uid in conn.execute(
        sa.select(it.c.id, it.c.unit_id).where(it.c.campaign == name).order_by(it.c.id)
    ):
        items.setdefault(uid, []).append(iid)
    return Campaign(config, unit_ids, kinds, items)


def gold_records(store: Store, name: str) -> list[Any]:
    """A campaign's gold and attention items as records whose preference is the answer."""
    from prefkit.data import judgment_from_dict

    w.ensure(store.engine)
    with store.engine.connect() as conn:
        camp = load_campaign(conn, name)
        if camp is None:
            raise PrefkitError(f"no campaign {name!r}")
        out = []
        for uid in camp.unit_ids:
            if camp.unit_kind[uid] not in GOLD_KINDS:
                continue
            for iid in camp.unit_items[uid]:
                item = camp.item(conn, iid)
                out.append(
                    judgment_from_dict(
                        {
                            "id": f"gold-{iid}",
                            "prompt": item.prompt,
                            "responses": [
                                {"id": item.a_id, "text": item.a_text},
                                {"id": item.b_id, "text": item.b_text},
                            ],
                            "preference": item.answer,
                            "source": "rule",
                        }
                    )
                )
    return out
