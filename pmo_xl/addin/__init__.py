"""Build the macro-enabled workbook on Linux: VBA project writer (ovba, cfb), ribbon, build."""
