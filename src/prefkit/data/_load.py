"""``load_judgments(source)``: records from files or from the store, and where they came from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from prefkit.data._io import read_records
from prefkit.data._records import Judgment
from prefkit.errors import PrefkitError

__all__ = ["load_judgments"]


def load_judgments(
    source: str | Path | Sequence[str | Path] | None = None,
    *,
    db: str | None = None,
    campaign: str | None = None,
) -> tuple[list[Judgment], str]:
    """Judgment records from files, or from the store.

    Judgment records from one or more files (any import format) or, without files, from the
    store at ``db`` (default: ``$PREFKIT_DATABASE_URL``, else ``sqlite:///./prefkit.db``).

    Args:
        source: a file, a list of files, or None for the store.
        db: the store's URL when reading from the store.
        campaign: only this campaign's judgments (store only).

    Returns:
        The records, and a description of where they came from (file names or the store's
        URL without its password) for reports.
    """
    from prefkit.data._store import open_store

    files = [source] if isinstance(source, str | Path) else list(source or [])
    if files:
        if campaign is not None:
            raise PrefkitError(
                f"campaign={campaign!r} selects from the store; read files or a campaign, not both"
            )
        return [r for p in files for r in read_records(p)], ", ".join(map(str, files))
    with open_store(db) as store:
        return store.records(campaign=campaign), store.safe_url
