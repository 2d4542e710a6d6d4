#!/usr/bin/python3
"""make-hardening-seeds.py — writes the seed corpora of the command,
user-info, file-name and pdu-roundtrip fuzz targets under tests/fuzz/corpus/.
Run by hand; the seeds are committed."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def pad(value):
    return value + (b"\0" if len(value) % 2 else b"")


def element(tag, value):
    """Implicit VR Little Endian (PS3.7 §6.3.1): tag, 32-bit length, value."""
    if isinstance(value, int):
        value = struct.pack("<H", value)
    elif isinstance(value, str):
        value = pad(value.encode())
    return struct.pack("<HHI", tag >> 16, tag & 0xFFFF, len(value)) + value


def command(fields):
    body = b"".join(element(t, v) for t, v in sorted(fields.items()))
    return element(0x00000000, struct.pack("<I", len(body))) + body


CT = "1.2.840.10008.5.1.4.1.1.2"
FIND = "1.2.840.10008.5.1.4.1.2.2.1"
MOVE = "1.2.840.10008.5.1.4.1.2.2.2"
NO_DATA, DATA = 0x0101, 0x0000
commands = {
    "c-echo-rq": {0x00000002: "1.2.840.10008.1.1", 0x00000100: 0x0030, 0x00000110: 1,
                  0x00000800: NO_DATA},
    "c-echo-rsp": {0x00000002: "1.2.840.10008.1.1", 0x00000100: 0x8030, 0x00000120: 1,
                   0x00000800: NO_DATA, 0x00000900: 0},
    "c-store-rq": {0x00000002: CT, 0x00000100: 0x0001, 0x00000110: 7, 0x00000700: 0,
                   0x00000800: DATA, 0x00001000: "1.2.3.4.5.6.7",
                   0x00001030: "MODALITY", 0x00001031: 3},
    "c-store-rsp-warning": {0x00000002: CT, 0x00000100: 0x8001, 0x00000120: 7,
                            0x00000800: NO_DATA, 0x00000900: 0xB000,
                            0x00001000: "1.2.3.4.5.6.7", 0x00000902: "coerced"},
    "c-find-rq": {0x00000002: FIND, 0x00000100: 0x0020, 0x00000110: 2, 0x00000700: 0,
                  0x00000800: DATA},
    "c-find-rsp-pending": {0x00000002: FIND, 0x00000100: 0x8020, 0x00000120: 2,
                           0x00000800: DATA, 0x00000900: 0xFF00},
    "c-cancel-rq": {0x00000100: 0x0FFF, 0x00000120: 2, 0x00000800: NO_DATA},
    "c-move-rq": {0x00000002: MOVE, 0x00000100: 0x0021, 0x00000110: 3, 0x00000600: "STORESCP",
                  0x00000700: 0, 0x00000800: DATA},
    "c-move-rsp-failed": {0x00000002: MOVE, 0x00000100: 0x8021, 0x00000120: 3,
                          0x00000800: DATA, 0x00000900: 0xA702, 0x00001020: 0,
                          0x00001021: 3, 0x00001022: 2, 0x00001023: 0},
    "n-action-rq": {0x00000003: "1.2.840.10008.1.20.1", 0x00000100: 0x0130, 0x00000110: 4,
                    0x00000800: DATA, 0x00001001: "1.2.840.10008.1.20.1.1",
                    0x00001008: 1},
    "n-event-report-rsp": {0x00000002: "1.2.840.10008.1.20.1", 0x00000100: 0x8100,
                           0x00000120: 5, 0x00000800: NO_DATA, 0x00000900: 0,
                           0x00001000: "1.2.840.10008.1.20.1.1"},
}
for name, fields in commands.items():
    write("command", name + ".bin", command(fields))
# A wrong group length, an element outside group 0000, a truncated value.
echo = command(commands["c-echo-rq"])
write("command", "bad-group-length.bin", echo[:8] + struct.pack("<I", 1) + echo[12:])
write("command", "outside-group.bin", echo + element(0x00080016, CT))
write("command", "truncated.bin", echo[:-3])


def item(kind, body):
    return struct.pack(">BBH", kind, 0, len(body)) + body


def counted(value):
    return struct.pack(">H", len(value)) + value


def identity(kind, primary, secondary=b"", positive=1):
    return item(0x58, bytes([kind, positive]) + counted(primary) + counted(secondary))


user_info = [
    ("minimal", item(0x51, struct.pack(">I", 16384)) + item(0x52, b"1.2.3.4")),
    ("full", item(0x51, struct.pack(">I", 0)) + item(0x52, b"1.2.826.0.1.3680043.2.1143")
     + item(0x55, b"DIMSEBENCH_010") + item(0x53, struct.pack(">HH", 16, 1))
     + item(0x54, counted(CT.encode()) + b"\x01\x01")
     + item(0x56, counted(CT.encode()) + b"\x01\x00\x01\x00\x00\x00")
     + item(0x57, counted(CT.encode()) + counted(b"1.2.840.10008.4.2")
            + counted(counted(b"1.2.840.10008.5.1.4.1.1.2.1")))
     + identity(2, b"alice", b"s3cret")),
    ("identity-username", item(0x51, struct.pack(">I", 16384)) + item(0x52, b"1.2")
     + identity(1, b"modality")),
    ("identity-wrong-passcode", item(0x52, b"1.2") + identity(2, b"alice", b"guess")),
    ("identity-kerberos", item(0x52, b"1.2") + identity(3, b"\x60\x82\x01\x00ticket")),
    ("identity-saml", item(0x52, b"1.2") + identity(4, b"<saml:Assertion/>")),
    ("identity-jwt", item(0x52, b"1.2") + identity(5, b"eyJhbGciOiJub25lIn0.e30.")),
    ("identity-ac-response", item(0x52, b"1.2") + item(0x59, counted(b"ticket"))),
    ("unknown-sub-item", item(0x52, b"1.2") + item(0x7F, b"\x01\x02\x03")),
    ("two-identities", item(0x52, b"1.2") + identity(1, b"a") + identity(1, b"b")),
]
for name, body in user_info:
    write("user-info", name + ".bin", body)

names = [
    "1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.2.1143.1.2.3.4.5.6.7.8.9",
    "0", "1.02.3", "1.2..3", ".1.2", "1.2.", "..", ".", "../../etc/passwd",
    "1.2/3", "1.2\\3", "1.2.3.dcm", "1" * 64, "1" * 65, "1.2\0.3", " 1.2", "1.2 ",
    "\u0661.\u0662",
]
for i, name in enumerate(names):
    write("file-name", "name-%02d.txt" % i, name.encode())

# Recipes (see fuzz-pdu-roundtrip.c): the first byte picks the PDU.
recipes = {
    "rq-echo": bytes([0x00, 8]) + b"MODALITY" + bytes([7]) + b"ARCHIVE"
    + bytes([1, 0x00, 4, 0, 1, 6, 0x00]),
    "rq-window-identity": bytes([0x10, 3]) + b"SCU" + bytes([3]) + b"SCP"
    + bytes([3, 0x07, 32, 4, 8, 5]) + b"alice" + bytes([6]) + b"s3cret" + bytes([1])
    + bytes([0, 2, 7, 6, 0x13, 0x10]) + b"\x01\x00\x01\x00"
    + bytes([5, 1, 8, 0x03]),
    "rq-odd-uids": bytes([0x20, 1]) + b"A" + bytes([1]) + b"B" + bytes([1, 0x00, 0, 0xF0, 5])
    + b"1..2." + bytes([1, 0xF0, 3]) + b"abc" + bytes([0x01]),
    "rq-get-roles": bytes([0x30, 4]) + b"VIEW" + bytes([4]) + b"PACS"
    + bytes([2, 0x08, 0, 4]) + b"V1.0" + bytes([5, 2, 7, 6, 0x03, 1, 1, 6, 0x02]),
    "p-data": bytes([0xC0, 2, 1, 0x03, 4]) + b"\x08\x00\x00\x00" + bytes([3, 0x00, 0]),
    "associate-rj": bytes([0xC1, 1, 1, 3]),
    "abort": bytes([0xC2, 2, 6]),
}
for name, data in recipes.items():
    write("pdu-roundtrip", name + ".bin", data)
