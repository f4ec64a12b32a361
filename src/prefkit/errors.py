"""The exception classes of prefkit.

Every error prefkit raises on bad input is a :class:`PrefkitError`, so callers (the CLI, the web
workbench, user code) can catch one type. Messages name the value, what was allowed and the fix.
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "ConversionError",
    "GeneratorError",
    "InvitationError",
    "MissingExtraError",
    "PrefkitError",
    "PrefkitWarning",
    "RankingError",
    "RecordError",
    "StoreError",
    "WorkError",
]


class PrefkitError(Exception):
    """Base class of every error prefkit raises on purpose."""


class PrefkitWarning(UserWarning):
    """A result that is not what was asked for: prefkit fell back to something else.

    Emitted with :func:`warnings.warn` and also kept in the result's ``warnings``. Caveats
    about a sound result (wide intervals, few clusters) are in the result only.
    """


class MissingExtraError(PrefkitError, ImportError):
    """An optional dependency is not installed; the message names the extra that adds it."""


class RecordError(PrefkitError):
    """A judgment record (or a line of an input file) is invalid.

    Attributes:
        path: the file the record came from, if any.
        line: the 1-based line (or row) number in that file, if any.
        field: the offending field as a dotted path (``responses.1.id``), if known.
        reason: what was wrong and what was expected.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        elif self.line is not None:
            where = f"line {self.line}: "
        field = f"field {self.field!r}: " if self.field else ""
        return f"{where}{field}{self.reason}"

    def located(self, path: str | None, line: int | None) -> RecordError:
        """Return a copy of this error that names the file and line."""
        return RecordError(
            self.reason,
            path=path if path is not None else self.path,
            line=line if line is not None else self.line,
            field=self.field,
        )


class ConversionError(PrefkitError):
    """A record cannot be converted to the requested format under the chosen policy."""


class StoreError(PrefkitError):
    """The judgment store refused an operation (conflicting ids, bad URL, schema too old)."""


class AnalysisError(PrefkitError):
    """A statistic is undefined for this data; the message says why and what would fix it."""


class RankingError(PrefkitError):
    """The data cannot give the asked-for ranking; the message says why and what to do."""


class GeneratorError(PrefkitError):
    """A generator could not produce text: a bad model path, key, server or parameter."""


class InvitationError(PrefkitError):
    """An invitation that cannot sign in: unknown, used, expired, or its account disabled."""


class WorkError(PrefkitError):
    """A request the workbench refuses: an HTTP status and a message that says what to do."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.message = message
        self.headers = headers or {}
        super().__init__(message)
