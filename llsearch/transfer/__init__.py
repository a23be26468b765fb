"""Import and export of lessons: the JSON-files layout with index.json, JSON, NDJSON and Markdown.

- `sources`: find and read records from a path (`plan_import`), each with its origin;
- `records`: validate a raw record into a lesson, or a rejection with its reason;
- `importer`: the streaming pipeline to the engine (`Importer.run` -> `ImportReport`);
- `export`: write stored lessons back as the layout (`export_lessons`).
"""

from llsearch.transfer.export import ExportReport, ExportTargetNotEmpty, export_lessons
from llsearch.transfer.importer import ImportReport, Importer, RecordResult
from llsearch.transfer.items import Notice, Origin, RawRecord, Rejection
from llsearch.transfer.sources import SourceError, SourcePlan, plan_import

__all__ = [
    "ExportReport", "ExportTargetNotEmpty", "export_lessons",
    "ImportReport", "Importer", "RecordResult",
    "Notice", "Origin", "RawRecord", "Rejection",
    "SourceError", "SourcePlan", "plan_import",
]
