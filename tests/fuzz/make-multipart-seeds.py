#!/usr/bin/python3
# make-multipart-seeds.py CORPUS-DIR — writes the seed bodies of
# tests/fuzz/corpus/multipart: multipart/related bodies as WADO-RS answers
# and STOW-RS requests hold them, prefixed with the byte fuzz-multipart.c
# reads (bit 0: learn the boundary; the rest: the piece size). Run by hand;
# the seeds are committed.
import os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
# A small Part 10 file: preamble, DICM, a meta group and two elements.
def part10(uid):
    uid = uid.encode() + (b"\0" if len(uid) % 2 else b"")
    meta_el = b"\x02\x00\x03\x00UI" + len(uid).to_bytes(2, "little") + uid
    meta = b"\x02\x00\x00\x00UL\x04\x00" + len(meta_el).to_bytes(4, "little") + meta_el
    data = b"\x08\x00\x18\x00UI" + len(uid).to_bytes(2, "little") + uid
    return b"\0" * 128 + b"DICM" + meta + data
def body(boundary, parts, close=True, preamble=b"", crlf_first=False):
    b = preamble
    for i, (headers, content) in enumerate(parts):
        b += (b"\r\n" if i or crlf_first else b"") + b"--" + boundary + b"\r\n"
        b += b"".join(h + b"\r\n" for h in headers) + b"\r\n" + content
    if close:
        b += b"\r\n--" + boundary + b"--\r\n"
    return b
dicom = [b"Content-Type: application/dicom"]
seeds = {
    "wado-two.bin": (0x40, body(b"B0undary", [(dicom, part10("1.2.3.1")), (dicom, part10("1.2.3.2"))])),
    "wado-learnt.bin": (0x21, body(b"0f3a-zz", [(dicom, part10("1.2.3.1"))])),
    "stow-preamble.bin": (0x00, body(b"B0undary", [(dicom + [b"Content-Location: /x"], part10("9.9"))],
                                     preamble=b"ignored\r\n", crlf_first=True)),
    "tricky-data.bin": (0x06, body(b"B0undary", [([], b"a\r\n--B0undar\r\n--B0undaryX"), ([], b"")])),
    "folded-headers.bin": (0x10, body(b"B0undary", [([b"Content-Type: application/dicom;", b"\ttransfer-syntax=*"], b"x")])),
    "cut-off.bin": (0x08, body(b"B0undary", [(dicom, part10("1.2.3.4")[:100])], close=False)),
    "empty.bin": (0x00, b""),
}
for name, (first, content) in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes([first]) + content)
