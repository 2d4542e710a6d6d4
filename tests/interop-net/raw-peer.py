#!/usr/bin/env python3
"""raw-peer.py — a requestor written by hand from PS3.8 §9.3, for the tests
of an acceptor's limits (limits-net.sh): it opens connections and sends an
A-ASSOCIATE-RQ, or nothing, and says what came back. Every read is bounded
by a socket timeout, so that it cannot hang.

Usage:
  raw-peer.py hold PORT [CALLED_AE]
                             associate (Verification; called AE title
                             ANY-SCP unless given), print "associated",
                             then print each PDU type received until the
                             connection closes ("closed") or the process is
                             killed
  raw-peer.py silent PORT    connect, send nothing, print "closed" when the
                             acceptor closes the connection
  raw-peer.py waiting PORT N open N silent connections one after another,
                             then print "closed I" for the first one closed
                             and "associated J" when the next one, still
                             open, associates
"""
import select
import socket
import struct
import sys

TIMEOUT_S = 30
VERIFICATION = b"1.2.840.10008.1.1"
IMPLICIT_VR_LITTLE_ENDIAN = b"1.2.840.10008.1.2"
APPLICATION_CONTEXT = b"1.2.840.10008.3.1.1.1"
IMPLEMENTATION_CLASS_UID = b"1.2.826.0.1.3680043.10.1247.99.1"
PDU_NAMES = {1: "A-ASSOCIATE-RQ", 2: "A-ASSOCIATE-AC", 3: "A-ASSOCIATE-RJ",
             4: "P-DATA-TF", 5: "A-RELEASE-RQ", 6: "A-RELEASE-RP", 7: "A-ABORT"}


def item(item_type, value):
    """An item or sub-item: type, reserved, 16-bit length (PS3.8 §9.3.2)."""
    return struct.pack(">BBH", item_type, 0, len(value)) + value


def associate_rq(calling=b"RAWPEER", called=b"ANY-SCP"):
    """A-ASSOCIATE-RQ (PS3.8 Table 9-11) proposing Verification."""
    presentation_context = (struct.pack(">BBBB", 1, 0, 0, 0)
                            + item(0x30, VERIFICATION)
                            + item(0x40, IMPLICIT_VR_LITTLE_ENDIAN))
    user_information = (item(0x51, struct.pack(">I", 16384))
                        + item(0x52, IMPLEMENTATION_CLASS_UID))
    body = (struct.pack(">HH", 1, 0) + called.ljust(16) + calling.ljust(16) + bytes(32)
            + item(0x10, APPLICATION_CONTEXT)
            + item(0x20, presentation_context)
            + item(0x50, user_information))
    return struct.pack(">BBI", 1, 0, len(body)) + body


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_pdu_type(sock):
    """The type of the next PDU, its body skipped; None at the end."""
    try:
        header = read_exact(sock, 6)
    except ConnectionResetError:
        return None
    if header is None:
        return None
    pdu_type, _, length = struct.unpack(">BBI", header)
    if read_exact(sock, length) is None:
        return None
    return pdu_type


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S)
    sock.settimeout(TIMEOUT_S)
    return sock


def say(text):
    print(text, flush=True)


def associate(sock, called=b"ANY-SCP"):
    sock.sendall(associate_rq(called=called))
    return read_pdu_type(sock) == 2


def hold(port, called):
    sock = connect(port)
    if not associate(sock, called):
        say("not associated")
        return 1
    say("associated")
    sock.settimeout(None)  # held until killed, or closed by the acceptor
    while True:
        pdu_type = read_pdu_type(sock)
        if pdu_type is None:
            say("closed")
            return 0
        say(PDU_NAMES.get(pdu_type, "PDU type %d" % pdu_type))


def silent(port):
    sock = connect(port)
    while read_pdu_type(sock) is not None:
        pass
    say("closed")
    return 0


def waiting(port, n):
    socks = [connect(port) for _ in range(n)]
    readable, _, _ = select.select(socks, [], [], TIMEOUT_S)
    if not readable:
        say("none closed")
        return 1
    closed = readable[0]
    if read_pdu_type(closed) is not None:
        say("a PDU came on connection %d" % socks.index(closed))
        return 1
    say("closed %d" % socks.index(closed))
    kept = next(s for s in socks if s is not closed)
    if associate(kept):
        say("associated %d" % socks.index(kept))
    return 0


def main(argv):
    mode, port = argv[1], int(argv[2])
    if mode == "hold":
        return hold(port, (argv[3] if len(argv) > 3 else "ANY-SCP").encode("ascii"))
    if mode == "silent":
        return silent(port)
    if mode == "waiting":
        return waiting(port, int(argv[3]))
    raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
