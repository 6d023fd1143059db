Attribute VB_Name = "PmoRibbon"
' Callbacks of the "PMO" ribbon tab (macros/customUI14.xml).
' Each button calls one entry point of pmo_xl.excel.macros through xlwings' RunPython:
' no logic here, the Python engine does the work on the workbook that called it.
Option Explicit

Public Sub PmoValidate(control As IRibbonControl)
    RunPython "import pmo_xl.excel.macros as m; m.validate()"
End Sub

Public Sub PmoRefresh(control As IRibbonControl)
    RunPython "import pmo_xl.excel.macros as m; m.refresh()"
End Sub

Public Sub PmoRiskMatrix(control As IRibbonControl)
    RunPython "import pmo_xl.excel.macros as m; m.risk_matrix()"
End Sub

Public Sub PmoConsolidate(control As IRibbonControl)
    RunPython "import pmo_xl.excel.macros as m; m.consolidate()"
End Sub

Public Sub PmoHelp(control As IRibbonControl)
    RunPython "import pmo_xl.excel.macros as m; m.help()"
End Sub
