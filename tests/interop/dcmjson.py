#!/usr/bin/python3
"""Helpers for the DCMTK interop tests.

  dcmjson.py compare EXPECTED.json ACTUAL.json
      Compares two DICOM JSON documents (PS3.18 Annex F) value for value and
      prints each difference with its path; exit status 1 when they differ.
  dcmjson.py dataset-bytes FILE.dcm OUT
      Writes the bytes of FILE's data set after the File Meta Information
      (inflated when the transfer syntax is deflated).
  dcmjson.py outline DUMP.txt
      Reduces a dcmdump or `dimse dump` listing to one line per element:
      nesting, tag, VR, and the value where both tools print it alike
      (short printable ASCII strings other than UI and without control
      characters, and integers).
  dcmjson.py element-bytes FILE.dcm GGGGEEEE
      Prints in hex the value bytes of a top-level element of an explicit
      VR little endian file (exit status 1 when it is absent).

Normalizations of `compare`, each because DCMTK's dcm2json 3.6.7 and the
DICOM JSON model allow more than one spelling of the same content:
  - (0008,0005) Specific Character Set is ignored: dcm2json converts the
    data set to UTF-8 first and then reports "ISO_IR 192", while the values
    themselves are what is compared.
  - an absent "Value" equals an empty one (PS3.18 F.2.5: empty values may
    be left out).
  - numbers compare numerically (relative 1e-6, since FL values are printed
    with 9 digits by DCMTK) and IS/DS given as strings are parsed.
  - tags and AT values compare without regard to hex case.
  - InlineBinary compares the decoded bytes.
  - empty PN component groups are ignored.
"""
import base64
import json
import math
import re
import struct
import sys
import zlib

DEFLATED = "1.2.840.10008.1.2.1.99"


def norm_tag(key):
    return key.upper()


def normalize_dataset(ds):
    out = {}
    for key, el in ds.items():
        tag = norm_tag(key)
        if tag == "00080005":
            continue
        out[tag] = normalize_element(el)
    return out


def normalize_pn(value):
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v not in ("", None)}
    return value


def normalize_element(el):
    vr = el.get("vr")
    res = {"vr": vr}
    if "InlineBinary" in el:
        res["InlineBinary"] = base64.b64decode(el["InlineBinary"])
    if "BulkDataURI" in el:
        res["BulkDataURI"] = el["BulkDataURI"]
    values = el.get("Value")
    if values:
        if vr == "SQ":
            values = [normalize_dataset(item) for item in values]
        elif vr == "PN":
            values = [normalize_pn(v) for v in values]
        elif vr == "AT":
            values = [v.upper() if isinstance(v, str) else v for v in values]
        elif vr in ("IS", "DS"):
            values = [float(v) if isinstance(v, str) and v.strip() else v for v in values]
        res["Value"] = values
    return res


def same_number(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-30)
    return None


def diff(a, b, path, out):
    num = same_number(a, b)
    if num is not None:
        if not num:
            out.append(f"{path}: expected {a!r}, got {b!r}")
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in b:
                out.append(f"{path}/{key}: missing (expected {short(a[key])})")
            elif key not in a:
                out.append(f"{path}/{key}: unexpected {short(b[key])}")
            else:
                diff(a[key], b[key], f"{path}/{key}", out)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: expected {len(a)} values {short(a)}, got {len(b)} {short(b)}")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
        return
    if a != b:
        out.append(f"{path}: expected {short(a)}, got {short(b)}")


def short(v):
    text = repr(v)
    return text if len(text) <= 120 else text[:117] + "..."


def compare(expected_path, actual_path):
    with open(expected_path, encoding="utf-8") as f:
        expected = normalize_dataset(json.load(f))
    with open(actual_path, encoding="utf-8") as f:
        actual = normalize_dataset(json.load(f))
    problems = []
    diff(expected, actual, "", problems)
    for p in problems:
        print(p)
    return 1 if problems else 0


def dataset_bytes(path, out_path):
    with open(path, "rb") as f:
        data = f.read()
    if data[128:132] != b"DICM":
        raise SystemExit(f"{path}: no DICM prefix")
    # PS3.10 §7.1: (0002,0000) UL comes first, explicit VR little endian.
    group, element, vr, _ = struct.unpack_from("<HH2sH", data, 132)
    if (group, element, vr) != (2, 0, b"UL"):
        raise SystemExit(f"{path}: the meta group does not start with (0002,0000)")
    (meta_len,) = struct.unpack_from("<I", data, 140)
    start = 144 + meta_len
    body = data[start:]
    if DEFLATED.encode() in data[132:start]:
        body = zlib.decompress(body, -15)
    with open(out_path, "wb") as f:
        f.write(body)
    return 0


OUTLINE_RE = re.compile(rb"^( *)\(([0-9a-f]{4},[0-9a-f]{4})\) ([A-Za-z?]{2}) (?:(.*?) *# )?")
# dimse dump escapes control characters that dcmdump prints raw.
ESCAPE_RE = re.compile(rb"\\(r|n|t|x[0-9a-f]{2})")
INTEGER_VRS = {b"US", b"SS", b"UL", b"SL", b"SV", b"UV"}
STRING_RE = re.compile(rb"^\[([\x20-\x5a\x5c\x5e-\x7e]{0,60})\]$")
INTEGERS_RE = re.compile(rb"^-?[0-9]+(\\-?[0-9]+)*$")


def outline(path):
    out = []
    with open(path, "rb") as f:
        for line in f:
            m = OUTLINE_RE.match(line)
            if not m or m.group(2).startswith(b"fffe,"):
                continue
            indent, tag, vr, value = m.groups()
            if value is None or ESCAPE_RE.search(value):
                value = b""
            if vr == b"??":
                vr = b"UN"
            shown = b""
            if vr in INTEGER_VRS and len(value) <= 60 and INTEGERS_RE.match(value):
                shown = b" " + value
            elif vr not in (b"UI", b"SQ") and STRING_RE.match(value):
                shown = b" " + value
            out.append(indent + tag + b" " + vr + shown)
    sys.stdout.buffer.write(b"\n".join(out) + b"\n")
    return 0


LONG_VRS = {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}


def element_bytes(path, tag_text):
    with open(path, "rb") as f:
        data = f.read()
    wanted = int(tag_text, 16)
    pos = 132
    while pos + 8 <= len(data):
        group, element, vr = struct.unpack_from("<HH2s", data, pos)
        if vr in LONG_VRS:
            (length,) = struct.unpack_from("<I", data, pos + 8)
            start = pos + 12
        else:
            (length,) = struct.unpack_from("<H", data, pos + 6)
            start = pos + 8
        if length == 0xFFFFFFFF:
            raise SystemExit(f"{path}: undefined length at offset {pos}")
        if (group << 16 | element) == wanted:
            print(data[start:start + length].hex())
            return 0
        pos = start + length
    return 1


def main(argv):
    if len(argv) == 3 and argv[1] == "outline":
        return outline(argv[2])
    if len(argv) == 4 and argv[1] == "element-bytes":
        return element_bytes(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "compare":
        return compare(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "dataset-bytes":
        return dataset_bytes(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
