"""The Excel side: the only package that imports xlwings (DESIGN.md, layering test).

* ``udfs``: cell functions ``=PMO_SPI(...)`` and friends (xlwings UDFs, ``UDF Modules``);
* ``macros``: the ribbon entry points (VBA ``RunPython`` -> ``Book.caller()``);
* ``live``: read a live Book into ProjectData, write a StatusReport into it;
* ``lite``: the same entry points for xlwings Lite (Excel on the web).

Every one is thin: the engine is ``core``/``services``; ``live.XLWINGS_CONTRACT`` lists each part of
xlwings' object model we rely on, checked against the installed package by the tests.
"""
