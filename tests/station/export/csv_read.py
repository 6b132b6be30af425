#!/usr/bin/python3
"""Reads a CSV file with Python's csv module (independent of the writer) and prints its rows as
JSON. argv: FILE SEPARATOR. Reports whether the file starts with a UTF-8 byte-order mark."""
import csv
import json
import sys

raw = open(sys.argv[1], "rb").read()
bom = raw.startswith(b"\xef\xbb\xbf")
text = raw.decode("utf-8-sig")
rows = list(csv.reader(text.splitlines(keepends=True), delimiter=sys.argv[2], strict=True))
print(json.dumps({"bom": bom, "crlf": "\r\n" in text, "rows": rows}, ensure_ascii=False))
