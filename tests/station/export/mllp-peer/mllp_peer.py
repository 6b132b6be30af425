# An MLLP receiver for the export tests (docs/export.md), independent of the station's code: every
# message is parsed by Debian's python3-hl7 and de-duplicated by MSH-10.
#
#   /usr/bin/python3 mllp_peer.py --state DIR [--port N] [--tls-cert PEM --tls-key PEM]
#
# With --tls-cert and --tls-key every connection is TLS (Python's ssl module, TLS 1.2 or later)
# with that certificate: MLLP inside TLS. A client that fails the handshake (it refused the
# certificate) is logged to stderr and dropped; nothing it sent is read.
#
# Listens on 127.0.0.1 (port N, 0 = any; the port is written to DIR/port once ready). Frames are
# 0x0B message 0x1C 0x0D; the answer is an ACK (MSA-1 AA, MSA-2 = the message's MSH-10). Each
# message is logged as one JSON line in DIR/received.jsonl: its MSH-10, "new" the first time,
# "duplicate" after (nothing stored twice), and what the parser read (OBR-3, OBX count). The log
# is read again at start, so a restarted peer still knows what it holds.
# Faults on request: a file DIR/fail holding {"ack": "AE"|"AR"|"hang"|"drop", "count": n} (read
# and removed at the next message): AE and AR are answered without storing; "hang" never
# answers; "drop" stores the message and closes the connection without an answer.
import argparse
import datetime
import json
import os
import socketserver
import ssl
import sys
import threading

import hl7

ap = argparse.ArgumentParser()
ap.add_argument("--state", required=True)
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--tls-cert")
ap.add_argument("--tls-key")
args = ap.parse_args()
TLS = None
if args.tls_cert:
    TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    TLS.minimum_version = ssl.TLSVersion.TLSv1_2
    TLS.load_cert_chain(args.tls_cert, args.tls_key)
LOG = os.path.join(args.state, "received.jsonl")
lock = threading.Lock()
held = set()
faults = []
if os.path.exists(LOG):
    with open(LOG, encoding="utf-8") as f:
        for line in f:
            try:
                held.add(json.loads(line)["msh10"])
            except (ValueError, KeyError):
                pass  # a torn last line


def ack(code, control_id, text=""):
    now = datetime.datetime.utcnow().strftime("%Y%m%d%H%M%S")
    segs = [
        "MSH|^~\\&|MLLP-PEER|TEST|ISG-ISTASYON|TTK|%s||ACK^R01^ACK|ACK-%s|P|2.5.1" % (now, control_id),
        "MSA|%s|%s%s" % (code, control_id, "|" + text if text else ""),
    ]
    return b"\x0b" + "\r".join(segs).encode("utf-8") + b"\r\x1c\x0d"


def next_fault():
    path = os.path.join(args.state, "fail")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        os.unlink(path)
        faults.extend([spec["ack"]] * int(spec.get("count", 1)))
    return faults.pop(0) if faults else None


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        if TLS is not None:
            try:
                self.request = TLS.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                print("TLS handshake failed: %s" % e, file=sys.stderr, flush=True)
                return
        buf = b""
        while True:
            try:
                data = self.request.recv(65536)
            except OSError:  # a TLS client gone without close_notify
                return
            if not data:
                return
            buf += data
            while b"\x1c\x0d" in buf:
                frame, buf = buf.split(b"\x1c\x0d", 1)
                start = frame.find(b"\x0b")
                reply = self.message(frame[start + 1:] if start >= 0 else frame)
                if reply is None:
                    return  # hang or drop: no answer
                self.request.sendall(reply)

    def message(self, raw):
        try:
            msg = hl7.parse(raw.decode("utf-8"))
            msh10 = str(msg.segment("MSH")[10])
        except Exception as e:  # noqa: BLE001 — any parse failure is the sender's fault
            return ack("AR", "", "cannot parse: %s" % e)
        if not msh10:
            return ack("AE", "", "MSH-10 missing")
        with lock:
            fault = next_fault()
        if fault == "hang":
            threading.Event().wait()  # this connection only; others are still served
        if fault in ("AE", "AR"):
            return ack(fault, msh10, "injected failure")
        with lock:
            state = "duplicate" if msh10 in held else "new"
            held.add(msh10)
            obr = msg.segment("OBR")
            rec = {
                "at": datetime.datetime.utcnow().isoformat() + "Z",
                "msh10": msh10,
                "state": state,
                "obr3": str(obr[3][0][0]) if len(obr) > 3 else "",
                "obx": sum(1 for s in msg if str(s[0]) == "OBX"),
            }
            with open(LOG, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec) + "\n")
        if fault == "drop":
            return None
        return ack("AA", msh10)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


server = Server(("127.0.0.1", args.port), Handler)
tmp = os.path.join(args.state, "port.tmp")
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, os.path.join(args.state, "port"))
server.serve_forever()
