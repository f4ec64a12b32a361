"""prefkit: collect human preferences well, check them, model them, optimize and evaluate."""

from prefkit.errors import ConversionError, PrefkitError, RecordError, StoreError

__version__ = "0.1.0"

__all__ = ["ConversionError", "PrefkitError", "RecordError", "StoreError", "__version__"]
