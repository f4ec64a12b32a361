"""Judgment records, the store, and importers/exporters for every supported format."""

from prefkit.data import _schema as schema
from prefkit.data._bulk import import_sources
from prefkit.data._comparisons import (
    UNKNOWN_ANNOTATOR,
    Assessment,
    AssessmentSet,
    Comparison,
    ComparisonSet,
    PairColumns,
    UnitSummary,
    ValueColumns,
    assessments,
    comparisons,
    prompt_key,
    response_key,
    views,
)
from prefkit.data._io import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    ReadResult,
    detect_format,
    iter_records,
    load_records,
    read_records,
    records_from_dataset,
    records_to_dataset,
    write_records,
)
from prefkit.data._mapping import ColumnMap, ResponseColumns, load_column_map, records_from_wide
from prefkit.data._records import (
    Judgment,
    Message,
    Response,
    Timings,
    judgment_from_dict,
    render_prompt,
)
from prefkit.data._samples import sample_paths
from prefkit.data._store import AddResult, Store, default_url, open_store
from prefkit.data._trl import ConversionReport, to_trl_pairs, to_trl_unpaired

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "UNKNOWN_ANNOTATOR",
    "AddResult",
    "Assessment",
    "AssessmentSet",
    "ColumnMap",
    "Comparison",
    "ComparisonSet",
    "ConversionReport",
    "Judgment",
    "Message",
    "PairColumns",
    "ReadResult",
    "Response",
    "ResponseColumns",
    "Store",
    "Timings",
    "UnitSummary",
    "ValueColumns",
    "assessments",
    "comparisons",
    "default_url",
    "detect_format",
    "import_sources",
    "iter_records",
    "judgment_from_dict",
    "load_column_map",
    "load_records",
    "open_store",
    "prompt_key",
    "read_records",
    "records_from_dataset",
    "records_from_wide",
    "records_to_dataset",
    "render_prompt",
    "response_key",
    "sample_paths",
    "schema",
    "to_trl_pairs",
    "to_trl_unpaired",
    "views",
    "write_records",
]
