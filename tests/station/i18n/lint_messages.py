#!/usr/bin/env python3
"""Every error message must reach the translation catalogues: the message argument of make_error
and make_errorf, and the text given to tr/trf, must be a string literal (the English template;
values go in as {} arguments). Prints each call that builds its text some other way
(concatenation, a variable) with file and line; exits 1 if there is any.

usage: lint_messages.py SOURCE_DIR"""
import os
import re
import sys

CALLS = {"make_error": 1, "make_errorf": 1, "tr": 0, "trf": 0}  # index of the text argument
ROOMS = ("drivers", "acquisition", "analysis", "station")
LITERAL = re.compile(r'^\s*(?:u8|R)?("(?:[^"\\]|\\.)*"\s*)+$', re.S)


def arguments(text, start):
    """The top-level arguments of the call whose '(' is at text[start]; None if unbalanced."""
    depth, args, cur, i = 0, [], [], start
    while i < len(text):
        c = text[i]
        if c in "\"'":  # a string or character literal, copied whole
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
            if depth > 1:
                cur.append(c)
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur))
                return args
            cur.append(c)
        elif c == "," and depth == 1:
            args.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    return None


def main():
    root = sys.argv[1]
    bad = []
    pattern = re.compile(r"(?<![A-Za-z0-9_])(make_errorf?|trf?)\s*\(")
    for room in ROOMS:
        for dirpath, _, files in os.walk(os.path.join(root, room)):
            for name in files:
                if not name.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(dirpath, name)
                text = open(path, encoding="utf-8").read()
                for m in pattern.finditer(text):
                    line_start = text.rfind("\n", 0, m.start()) + 1
                    line = text[line_start:text.find("\n", m.start())]
                    # A comment line, or a call that passes on a text marked where it was written
                    # (the catalogue's own code, help texts read from the command tree).
                    if re.match(r"\s*(//|\*)", line) or "// i18n:" in line:
                        continue
                    before = text[line_start:m.start()]
                    # declarations and definitions, not calls
                    if re.search(r"(inline|Error|char\*|string|auto|::)\s*$", before) and "return" not in before:
                        continue
                    args = arguments(text, m.end() - 1)
                    k = CALLS[m.group(1)]
                    if args is None or len(args) <= k:
                        continue
                    if not LITERAL.match(args[k]):
                        lineno = text.count("\n", 0, m.start()) + 1
                        bad.append(f"{os.path.relpath(path, root)}:{lineno}: {m.group(1)}(… {' '.join(args[k].split())[:70]} …)")
    for b in bad:
        print(b)
    print(f"{len(bad)} message(s) not written as a literal template", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
