#!/usr/bin/python3
"""Reads an XLSX workbook with openpyxl (Debian python3-openpyxl), independently of the
libxlsxwriter that wrote it, and prints it as JSON: per sheet, in order, its rows of cells
({"n": number} or {"s": text} or null), whether the header row is bold, the frozen pane, and each
number cell's display format."""
import json
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
out = []
for ws in wb.worksheets:
    rows, formats = [], []
    for row in ws.iter_rows():
        cells, fmts = [], []
        for c in row:
            if c.value is None:
                cells.append(None)
            elif isinstance(c.value, (int, float)):
                cells.append({"n": c.value})
            else:
                cells.append({"s": str(c.value)})
            fmts.append(c.number_format if isinstance(c.value, (int, float)) else None)
        rows.append(cells)
        formats.append(fmts)
    out.append({
        "name": ws.title,
        "rows": rows,
        "formats": formats,
        "header_bold": all(c.font.b for c in ws[1] if c.value is not None),
        "frozen": ws.freeze_panes,
    })
print(json.dumps(out, ensure_ascii=False))
