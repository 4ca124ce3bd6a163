"""``qa ingest``: store interactions once, scanned and scored (see :mod:`qa.ingest.pipeline`)."""

from qa.ingest.executors import Executor, InlineExecutor, LocalProcessExecutor, default_executor
from qa.ingest.pipeline import IngestOptions, IngestSummary, ingest

__all__ = ["Executor", "InlineExecutor", "IngestOptions", "IngestSummary", "LocalProcessExecutor", "default_executor", "ingest"]
