#!/usr/bin/env python3
"""The Turkish catalogue is complete: every text marked in the sources (xgettext, with the names
station/core/i18n.hpp lists) and every text of the help screens (`odyospiro --lang en generate
pot`) has a Turkish translation (GNU msgcmp), none is fuzzy, and each translation has as many {}
placeholders as its English text. Prints what is missing; exits 1 if anything is."""
import argparse
import ast
import os
import re
import subprocess
import sys
import tempfile

KEYWORDS = ["tr", "trf", "make_error:2", "make_errorf:2", "N_"]
ROOMS = ("drivers", "acquisition", "analysis", "station")


def entries(po_text):
    """(msgid, msgstr, fuzzy) of each entry of a PO file written by msgcat --no-wrap."""
    out, fuzzy, cur, key = [], False, {}, None
    for line in po_text.splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            cur, key = {"msgid": ast.literal_eval(line[6:])}, "msgid"
        elif line.startswith("msgstr "):
            cur["msgstr"], key = ast.literal_eval(line[7:]), "msgstr"
        elif line.startswith('"') and key:
            cur[key] += ast.literal_eval(line)
        elif not line.strip():
            if "msgid" in cur and cur["msgid"]:
                out.append((cur["msgid"], cur.get("msgstr", ""), fuzzy))
            cur, key, fuzzy = {}, None, False
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--odyospiro", required=True)
    ap.add_argument("--catalogue", required=True, help="the joined Turkish catalogue (tr.po)")
    a = ap.parse_args()
    files = []
    for room in ROOMS:
        for dirpath, _, names in os.walk(os.path.join(a.source, room)):
            files += [os.path.join(dirpath, n) for n in names if n.endswith((".cpp", ".hpp"))]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        src_pot, help_pot, all_pot = (os.path.join(tmp, n) for n in ("src.pot", "help.pot", "all.pot"))
        subprocess.run(["xgettext", "-C", "--from-code=UTF-8", "--no-wrap", "-o", src_pot]
                       + [f"--keyword={k}" for k in KEYWORDS] + sorted(files), check=True)
        with open(help_pot, "w", encoding="utf-8") as f:
            subprocess.run([a.odyospiro, "--lang", "en", "generate", "pot"], stdout=f, check=True)
        subprocess.run(["msgcat", "--use-first", "--no-wrap", "-o", all_pot, src_pot, help_pot], check=True)
        texts = entries(open(all_pot, encoding="utf-8").read())
        catalogue = {m: (s, fz) for m, s, fz in entries(
            subprocess.run(["msgcat", "--no-wrap", a.catalogue], capture_output=True, text=True,
                           check=True).stdout)}
        missing = [m for m, _, _ in texts if m not in catalogue or not catalogue[m][0]]
        fuzzy = [m for m, (s, fz) in catalogue.items() if fz]
        placeholders = [m for m, (s, fz) in catalogue.items()
                        if s and s.count("{}") != m.count("{}")]
        for m in missing:
            print(f"untranslated: {m!r}")
        for m in fuzzy:
            print(f"fuzzy: {m!r}")
        for m in placeholders:
            print(f"placeholders differ: {m!r} -> {catalogue[m][0]!r}")
        # GNU msgcmp: the same question asked of the gettext tools themselves.
        r = subprocess.run(["msgcmp", a.catalogue, all_pot], capture_output=True, text=True)
        if r.returncode != 0 and not missing:
            print(r.stderr)
            failures += 1
        failures += len(missing) + len(fuzzy) + len(placeholders)
        print(f"{len(texts)} texts to translate, {len(texts) - len(missing)} translated, "
              f"{len(missing)} untranslated, {len(fuzzy)} fuzzy, {len(placeholders)} with other placeholders")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
