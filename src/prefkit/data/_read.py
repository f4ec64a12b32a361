"""Reading judgments back: canonical records in insertion order, counts and statistics."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from prefkit._json import loads
from prefkit._perf import paused_gc
from prefkit.data import _schema as t
from prefkit.data._records import Judgment, Message, Response, Timings

__all__ = ["Reads"]


def _num(value: float | None) -> int | float | None:
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def _construct(d: dict[str, Any]) -> Judgment:
    # The store holds validated records only: rebuild without validating again.
    prompt = d["prompt"]
    if not isinstance(prompt, str):
        prompt = [Message.model_construct(role=m["role"], content=m["content"]) for m in prompt]
    tm = d.get("timings")
    return Judgment.model_construct(
        **{
            **d,
            "prompt": prompt,
            "responses": [Response.model_construct(**r) for r in d["responses"]],
            "timings": Timings.model_construct(**tm) if tm is not None else None,
        }
    )


class Reads:
    """The read side of a :class:`~prefkit.data.Store` (one per store)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def count(self, *, campaign: str | None = None) -> int:
        q = sa.select(sa.func.count()).select_from(t.judgments).where(t.visible())
        if campaign is not None:
            q = q.where(t.judgments.c.campaign == campaign)
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def iter_dicts(
        self, *, campaign: str | None = None, batch_size: int = 5000
    ) -> Iterator[dict[str, Any]]:
        """Every stored judgment as its canonical JSON object, in insertion order."""
        last = 0
        mark = "?" if self.dialect == "sqlite" else "%s"
        cols = (
            "pk, id, prompt_hash, preference, strength, rationale, annotator, shown, source, "
            "meta, started_at, submitted_at, duration_ms, has_timings, item, labels"
        )
        where = f" AND campaign = {mark}" if campaign is not None else ""
        sql = (
            f"SELECT {cols} FROM judgments WHERE pk > {mark}{where} AND {t.VISIBLE_SQL} "
            "ORDER BY pk "
            f"LIMIT {int(batch_size)}"
        )
        with self.engine.connect() as conn:
            while True:
                params = (last, campaign) if campaign is not None else (last,)
                rows = conn.exec_driver_sql(sql, params).fetchall()
                if not rows:
                    return
                last = rows[-1][0]
                with paused_gc():
                    batch = self._assemble(conn, rows)
                yield from batch

    def iter_records(
        self, *, campaign: str | None = None, batch_size: int = 5000
    ) -> Iterator[Judgment]:
        """Every stored judgment as a canonical record, in insertion order, in batches."""
        for d in self.iter_dicts(campaign=campaign, batch_size=batch_size):
            yield _construct(d)

    def records(self, *, campaign: str | None = None) -> list[Judgment]:
        return list(self.iter_records(campaign=campaign))

    def _assemble(self, conn: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
        decode: Callable[[Any], Any] = (
            (lambda v: None if v is None else loads(v))
            if self.dialect == "sqlite"
            else (lambda v: v)
        )
        mark = "?" if self.dialect == "sqlite" else "%s"
        lo, hi = rows[0][0], rows[-1][0]
        # One range join per child table instead of an IN list: the batch is a pk range.
        rng = f"j.pk >= {mark} AND j.pk <= {mark}"
        resp: dict[str, list[Any]] = {}
        for jid, local, model, rank, text in conn.exec_driver_sql(
            "SELECT jr.judgment_id, jr.local_id, jr.model, jr.rank, r.text "
            "FROM judgments j JOIN judgment_responses jr ON jr.judgment_id = j.id "
            f"JOIN responses r ON r.hash = jr.response_hash WHERE {rng} "
            "ORDER BY j.pk, jr.position",
            (lo, hi),
        ).fetchall():  # fetchall: SQLAlchemy's per-row fetchone costs more than the query
            resp.setdefault(jid, []).append((local, model, rank, text))
        rats: dict[str, dict[str, dict[str, int]]] = {}
        for jid, criterion, local, value in conn.exec_driver_sql(
            "SELECT rt.judgment_id, rt.criterion, rt.local_id, rt.value "
            f"FROM judgments j JOIN ratings rt ON rt.judgment_id = j.id WHERE {rng} "
            "ORDER BY j.pk, rt.position",
            (lo, hi),
        ).fetchall():
            rats.setdefault(jid, {}).setdefault(criterion, {})[local] = value
        prompts = {
            h: decode(c)
            for h, c in conn.exec_driver_sql(
                "SELECT p.hash, p.content FROM prompts p WHERE p.hash IN "
                f"(SELECT j.prompt_hash FROM judgments j WHERE {rng})",
                (lo, hi),
            ).fetchall()
        }
        out = []
        for (
            _pk,
            jid,
            phash,
            pref,
            strength,
            rationale,
            annotator,
            shown,
            source,
            meta,
            started,
            submitted,
            duration,
            has_timings,
            item,
            labels,
        ) in rows:
            rlist = resp[jid]
            ranked = sorted((x for x in rlist if x[2] is not None), key=lambda x: x[2])
            d: dict[str, Any] = {"id": jid}
            if item is not None:
                d["item"] = item
            d |= {
                "prompt": prompts[phash],
                "responses": [{"id": x[0], "text": x[3], "model": x[1]} for x in rlist],
                "preference": pref,
                "ranking": [x[0] for x in ranked] if ranked else None,
                "strength": _num(strength),
                "ratings": rats.get(jid),
            }
            if labels is not None:
                d["labels"] = decode(labels)
            d |= {
                "rationale": rationale,
                "annotator": annotator,
                "shown": decode(shown),
                "source": source,
                "metadata": decode(meta),
            }
            if has_timings:
                d["timings"] = {
                    "started_at": started,
                    "submitted_at": submitted,
                    "duration_ms": _num(duration),
                }
            out.append(d)
        return out

    def stats(self, *, campaign: str | None = None) -> dict[str, Any]:
        """Counts for ``prefkit stats``: judgments by source, annotator, kind and criterion."""
        j, rt = t.judgments, t.ratings
        where = [t.visible(j)] + ([j.c.campaign == campaign] if campaign is not None else [])

        def grouped(col: Any) -> dict[str, int]:
            q = sa.select(col, sa.func.count()).where(*where).group_by(col).order_by(col)
            return {str(k) if k is not None else "(none)": int(n) for k, n in conn.execute(q)}

        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(j).where(*where))
            n = int(total.scalar_one())
            ties = conn.execute(
                sa.select(sa.func.count()).where(j.c.preference == "tie", *where)
            ).scalar_one()
            degenerate = conn.execute(
                sa.select(sa.func.count()).where(j.c.degenerate.is_(True), *where)
            ).scalar_one()
            crit_q = (
                sa.select(rt.c.criterion, sa.func.count(sa.distinct(rt.c.judgment_id)))
                .join(j, j.c.id == rt.c.judgment_id)
                .where(*where)
                .group_by(rt.c.criterion)
                .order_by(rt.c.criterion)
            )
            by_criterion = {str(k): int(v) for k, v in conn.execute(crit_q)}
            prompts = conn.execute(
                sa.select(sa.func.count(sa.distinct(j.c.prompt_hash))).where(*where)
            ).scalar_one()
            responses = conn.execute(
                sa.select(sa.func.count(sa.distinct(t.judgment_responses.c.response_hash)))
                .join(j, j.c.id == t.judgment_responses.c.judgment_id)
                .where(*where)
            ).scalar_one()
            return {
                "database": self.safe_url,
                "campaign": campaign,
                "judgments": n,
                "prompts": int(prompts),
                "responses": int(responses),
                "ties": int(ties),
                "degenerate": int(degenerate),
                "by_kind": grouped(j.c.kind),
                "by_source": grouped(j.c.source),
                "by_annotator": grouped(j.c.annotator),
                "by_campaign": grouped(j.c.campaign),
                "by_criterion": by_criterion,
            }
