"""Headless consolidation of many project workbooks: local processes or Dask.

``consolidate(paths, output, workers=..., dask=..., export_dir=..., lang=...)`` finds the
workbooks (``discover``), summarises each in a worker (``summary.summarise`` through
``runner.run``), aggregates the summaries as they arrive (``aggregate``) and writes the
portfolio workbook and the exported tables (``workbook``).

Import from the modules (``from pmo_xl.portfolio.consolidate import consolidate``): this package
imports nothing, so ``runner.start_workers`` can start the worker server before pandas loads.
"""
