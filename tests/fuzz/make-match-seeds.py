#!/usr/bin/python3
# make-match-seeds.py CORPUS-DIR — writes the seed identifiers of
# tests/fuzz/corpus/match: explicit VR LE data sets, prefixed with the byte
# fuzz-match.c reads (syntax, model, max_results). Run by hand; the seeds
# are committed.
import struct, sys, os
out = sys.argv[1]
LONG = {b"OB", b"OW", b"OF", b"SQ", b"UT", b"UN", b"UC", b"UR", b"OD", b"OL", b"OV", b"SV", b"UV"}
def el(tag, vr, value):
    if isinstance(value, str):
        value = value.encode("utf-8")
    if len(value) % 2:
        value += b"\0" if vr == b"UI" else b" "
    g, e = tag >> 16, tag & 0xffff
    if vr in LONG:
        return struct.pack("<HH2sHI", g, e, vr, 0, len(value)) + value
    return struct.pack("<HH2sH", g, e, vr, len(value)) + value
def sq(tag, items):
    body = b"".join(struct.pack("<HHI", 0xFFFE, 0xE000, len(i)) + i for i in items)
    return el(tag, b"SQ", body)
R = "1.2.826.0.1.3680043.2.1125.77."
seeds = {
  "patient-wildcard": (0x01, [el(0x00080052, b"CS", "PATIENT"), el(0x00100010, b"PN", "do*^j?hn"),
                              el(0x00100020, b"LO", ""), el(0x00201200, b"IS", "")]),
  "study-range": (0x05, [el(0x00080020, b"DA", "20200101-20201231"), el(0x00080030, b"TM", "-1100"),
                         el(0x00080052, b"CS", "STUDY"), el(0x00080061, b"CS", "CT\\MR"),
                         el(0x0020000D, b"UI", ""), el(0x00201208, b"IS", "")]),
  "series-hierarchy": (0x05, [el(0x00080052, b"CS", "SERIES"), el(0x00080060, b"CS", "C?"),
                              el(0x0020000D, b"UI", R + "0"), el(0x0020000E, b"UI", "")]),
  "image-any-keys": (0x0D, [el(0x00080008, b"CS", "PRIMARY"), el(0x0008002A, b"DT", "2020-"),
                            el(0x00080052, b"CS", "IMAGE"), el(0x00100020, b"LO", "P1"),
                            el(0x00180050, b"DS", ""),
                            el(0x0020000D, b"UI", R + "0"), el(0x0020000E, b"UI", R + "0.0"), el(0x00280010, b"US", b"\x40\x00")]),
  "sequence-key": (0x05, [el(0x00080052, b"CS", "STUDY"),
                          sq(0x00081032, [el(0x00080100, b"SH", "A1") + el(0x00080104, b"LO", "")])]),
  "japanese": (0x01, [el(0x00080005, b"CS", "\\ISO 2022 IR 87"), el(0x00080052, b"CS", "PATIENT"),
                      el(0x00100010, b"PN", b"\x1b$B;3ED\x1b(B*")]),
  "uid-list-retrieve": (0x05, [el(0x00080052, b"CS", "STUDY"),
                               el(0x0020000D, b"UI", R + "0\\" + R + "1")]),
}
os.makedirs(out, exist_ok=True)
for name, (prefix, elements) in seeds.items():
    with open(os.path.join(out, name + ".bin"), "wb") as f:
        f.write(bytes([prefix]) + b"".join(elements))
