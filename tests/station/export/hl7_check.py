# /usr/bin/python3 hl7_check.py FILE: parses an HL7 v2 message with Debian's python3-hl7 (an
# parser independent of the station's encoder) and prints what it read as JSON: the segment
# names in order, MSH-10, PID-3/PID-5 (unescaped), OBR-4/OBR-25 and per OBX: set id, value type,
# code, coding system, value (unescaped), units, abnormal flag, status.
import json
import sys

import hl7

with open(sys.argv[1], "rb") as f:
    raw = f.read().decode("utf-8")
msg = hl7.parse(raw)


def text(x):
    return msg.unescape(str(x))


def field(seg, i):
    return str(seg[i]) if len(seg) > i else ""


out = {"segments": [str(s[0]) for s in msg], "obx": []}
msh = msg.segment("MSH")
out["msh10"] = field(msh, 10)
out["msh18"] = field(msh, 18)
pid = msg.segment("PID")
out["pid3"] = str(pid[3][0][0])
out["pid5_family"] = text(pid[5][0][0])
out["pid5_given"] = text(pid[5][0][1])
obr = msg.segment("OBR")
out["obr4"] = str(obr[4][0][0])
out["obr25"] = field(obr, 25)
for s in msg.segments("OBX"):
    out["obx"].append({
        "set_id": str(s[1]),
        "type": str(s[2]),
        "code": str(s[3][0][0]),
        "system": str(s[3][0][2]),
        "value": text(s[5]),
        "units": str(s[6][0][0]) if len(s) > 6 and str(s[6]) else "",
        "flag": field(s, 8),
        "status": field(s, 11),
    })
print(json.dumps(out, ensure_ascii=False))
