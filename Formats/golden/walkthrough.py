#!/usr/bin/env python3
"""An independent decoder of vmasnap recordings, written from Formats/vmasnap.md
alone (Python standard library only), that prints an annotated hex dump:
one line per field, with its offset, its bytes and what they mean.

    python3 Formats/golden/walkthrough.py Formats/golden/clean.vmasnap

It generated the dump in WALKTHROUGH.md. zstd frame payloads are not decoded
(the standard library has no zstd); the golden files have none. The stored
symbol tables of SYMBOLS records (always zstd) are decoded with the zstd
command when it is installed, and the table read as Formats/symbols.md says.
"""
import shutil
import struct
import subprocess
import sys

POLY = 0x82F63B78
TABLE = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ POLY if c & 1 else c >> 1
    TABLE.append(c)


def varint_bytes(value):
    """The LEB128 bytes of value, to show a field already read."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


class Cursor:
    def __init__(self, data, base=0):
        self.data, self.pos, self.base = data, 0, base

    def varint(self):
        value, shift = 0, 0
        for i in range(10):
            b = self.data[self.pos]
            self.pos += 1
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7
        raise ValueError("varint longer than 10 bytes")

    def take(self, n):
        chunk = self.data[self.pos:self.pos + n]
        if len(chunk) != n:
            raise ValueError("data ends early")
        self.pos += n
        return chunk

    def u8(self):
        return self.take(1)[0]


out = []


def line(offset, raw, text, indent=0):
    hexes = " ".join("%02x" % b for b in raw)
    if len(hexes) > 47:
        hexes = hexes[:44] + "..."
    out.append("%06x  %-47s  %s%s" % (offset, hexes, "  " * indent, text))


def field(cur, text_fn, reader, indent=0):
    start = cur.pos
    value = reader()
    line(cur.base + start, cur.data[start:cur.pos], text_fn(value), indent)
    return value


def seconds(start, t):
    ns = start + t
    return "%d.%09d s" % (ns // 1_000_000_000, ns % 1_000_000_000)


HEADER_NAMES = {1: "clock", 2: "start", 3: "reference realtime", 4: "reference monotonic", 5: "boot ID",
                6: "host name", 7: "kernel release", 8: "recorder options", 9: "clock ticks per second",
                10: "capture backend", 11: "flush interval", 12: "keyframe interval", 13: "perf clock"}
STRING_TAGS = {5, 6, 7, 8, 10}
PERMS = lambda f: ("r" if f & 1 else "-") + ("w" if f & 2 else "-") + ("x" if f & 4 else "-") + ("s" if f & 8 else "p")
REASONS = {0: "exited", 1: "unreadable", 2: "replaced"}


def mappings(cur, count, files, indent):
    previous_end = 0
    for i in range(count):
        gap = field(cur, lambda v: "start gap %d pages" % v, cur.varint, indent)
        start = previous_end + gap * 4096
        size = field(cur, lambda v: "size %d pages -> 0x%x-0x%x" % (v, start, start + v * 4096), cur.varint, indent)
        field(cur, lambda v: "offset %d pages = 0x%x" % (v, v * 4096), cur.varint, indent)
        flags = field(cur, lambda v: "flags 0x%02x: %s%s" % (v, PERMS(v), ", page size follows" if v & 0x10 else ""), cur.u8, indent)
        field(cur, lambda v: "file %d (%s)" % (v, files[v] if v < len(files) else "?"), cur.varint, indent)
        if flags & 0x10:
            field(cur, lambda v: "page size %d" % v, cur.varint, indent)
        previous_end = start + size * 4096


def symbol_table(compressed, decoded_length, build_id):
    """A SYMBOLS record's table (Formats/symbols.md), decompressed by the zstd
    command: its header, segments and functions; other sections by tag."""
    if not shutil.which("zstd"):
        out.append("        (no zstd command: the table is not decoded here)")
        return
    table = subprocess.run(["zstd", "-d", "-c", "-q"], input=compressed, stdout=subprocess.PIPE, check=True).stdout
    cur = Cursor(table)
    out.append("        decoded table (offsets in the table), %d bytes%s"
               % (len(table), "" if len(table) == decoded_length else ": MISMATCH, not the declared length"))
    field(cur, lambda v: "magic %r%s" % (v, "" if v == b"VMASYMB\0" else " MISMATCH"), lambda: cur.take(8), 3)
    field(cur, lambda v: "version %d.%d" % v, lambda: (cur.u8(), cur.u8()), 3)
    n = cur.varint()
    raw = cur.take(n)
    line(cur.pos - n - len(varint_bytes(n)), varint_bytes(n) + raw,
         "build ID %s (%s)" % (raw.hex(), "the record's" if raw.hex() == build_id else "MISMATCH with the record's"), 3)
    while cur.pos < len(table):
        tag = field(cur, lambda v: "section %d" % v, cur.varint, 3)
        size = field(cur, lambda v: "%d bytes" % v, cur.varint, 4)
        section = Cursor(cur.take(size), cur.pos - size)
        if tag == 1:
            for i in range(field(section, lambda v: "%d segments" % v, section.varint, 4)):
                values = [section.varint() for _ in range(5)]
                out.append("%s  segment %d: offset 0x%x, address 0x%x, file size 0x%x, memory size 0x%x, flags %d"
                           % (" " * 55, i, *values))
        elif tag == 2:
            count = field(section, lambda v: "%d functions" % v, section.varint, 4)
            starts, address = [], 0
            for _ in range(count):
                address += section.varint()
                starts.append(address)
            sizes = [section.varint() for _ in range(count)]
            for i in range(count):
                name = section.take(section.varint())
                out.append("%s  function 0x%x, size %d: %s" % (" " * 55, starts[i], sizes[i], name.decode("utf-8", "backslashreplace")))
        else:
            out.append("%s  (section %d: not decoded here)" % (" " * 55, tag))


def records(cur, start, state, index):
    while cur.pos < len(cur.data):
        rec_start = cur.pos
        rtype = cur.u8()
        length = cur.varint()
        body = Cursor(cur.take(length), cur.base + cur.pos - length)
        names = {0x01: "PATH", 0x02: "BUILD_ID", 0x03: "FILE", 0x04: "PROCESS", 0x05: "EXEC", 0x06: "PERF_CLOCK",
                 0x07: "SYMBOLS",
                 0x10: "ROUND", 0x11: "QUIET",
                 0x20: "KEYFRAME", 0x21: "DELTA", 0x22: "GONE", 0x40: "FRAMES", 0x41: "DEFINITIONS",
                 0x42: "PROCESS (index)", 0x43: "SUMMARY"}
        line(cur.base + rec_start, cur.data[rec_start:body.base - cur.base],
             "record 0x%02x %s, body %d bytes" % (rtype, names.get(rtype, "unknown: skipped"), length), 1)
        if rtype == 0x01:
            raw = body.take(length)
            state["paths"].append(raw.decode("utf-8", "backslashreplace"))
            line(body.base, raw, "path %d = %r" % (len(state["paths"]) - 1, state["paths"][-1]), 2)
        elif rtype == 0x02:
            raw = body.take(length)
            state["build_ids"].append(raw.hex())
            line(body.base, raw, "build ID %d = %s" % (len(state["build_ids"]) - 1, raw.hex()), 2)
        elif rtype == 0x03:
            dev = field(body, lambda v: "device %x:%02x" % (v >> 20, v & 0xFFFFF), body.varint, 2)
            inode = field(body, lambda v: "inode %d" % v, body.varint, 2)
            path = field(body, lambda v: "path %d (%s)" % (v, state["paths"][v]), body.varint, 2)
            bid = field(body, lambda v: "build ID %s" % ("unknown" if v == 0 else "%d (%s)" % (v - 1, state["build_ids"][v - 1])), body.varint, 2)
            state["files"].append("%s" % state["paths"][path])
            line(body.base + body.pos, b"", "-> file %d" % (len(state["files"]) - 1), 2)
        elif rtype == 0x04:
            field(body, lambda v: "process number %d" % v, body.varint, 2)
            field(body, lambda v: "pid %d" % v, body.varint, 2)
            field(body, lambda v: "start time %d ticks" % v, body.varint, 2)
            field(body, lambda v: "parent pid %d" % v, body.varint, 2)
            field(body, lambda v: "executable %s" % ("unknown" if v == 0 else "path %d (%s)" % (v - 1, state["paths"][v - 1])), body.varint, 2)
            raw = body.take(length - body.pos)
            line(body.base + body.pos - len(raw), raw, "comm %r" % raw.decode("utf-8", "backslashreplace"), 2)
        elif rtype == 0x05:
            field(body, lambda v: "process %d" % v, body.varint, 2)
            field(body, lambda v: "executable %s" % ("unknown" if v == 0 else "path %d (%s)" % (v - 1, state["paths"][v - 1])), body.varint, 2)
            raw = body.take(length - body.pos)
            line(body.base + body.pos - len(raw), raw, "new comm %r" % raw.decode("utf-8", "backslashreplace"), 2)
        elif rtype == 0x06:
            perf = field(body, lambda v: "perf time %s" % seconds(0, v), body.varint, 2)
            field(body, lambda v: "recording time %d ns after start = %s: offset %d ns" % (v, seconds(start, v), start + v - perf),
                  body.varint, 2)
            field(body, lambda v: "uncertainty %d ns" % v, body.varint, 2)
        elif rtype == 0x07:
            number = field(body, lambda v: "build ID %d (%s)" % (v, state["build_ids"][v]), body.varint, 2)
            decoded = field(body, lambda v: "table of %d bytes, compressed:" % v, body.varint, 2)
            raw = body.take(length - body.pos)
            line(body.base + body.pos - len(raw), raw, "zstd frame, %d bytes" % len(raw), 2)
            symbol_table(raw, decoded, state["build_ids"][number])
        elif rtype == 0x10:
            field(body, lambda v: "time %d ns after start = %s" % (v, seconds(start, v)), body.varint, 2)
        elif rtype == 0x11:
            field(body, lambda v: "%d quiet rounds" % v, body.varint, 2)
            first = body.varint()
            line(body.base + body.pos - len(varint_bytes(first)), varint_bytes(first), "first at %s" % seconds(start, first), 2)
            field(body, lambda v: "lasting %d ns: last at %s" % (v, seconds(start, first + v)), body.varint, 2)
        elif rtype == 0x20:
            field(body, lambda v: "process %d" % v, body.varint, 2)
            n = field(body, lambda v: "%d mappings" % v, body.varint, 2)
            mappings(body, n, state["files"], 3)
            if body.pos < length:
                field(body, lambda v: "walked (or found gone) %d ns after the round" % v, body.varint, 2)
        elif rtype == 0x21:
            field(body, lambda v: "process %d" % v, body.varint, 2)
            n = field(body, lambda v: "%d removed" % v, body.varint, 2)
            prev = [0]
            for i in range(n):
                def removed(v):
                    prev[0] += v * 4096
                    return "removed start %s%d pages = 0x%x" % ("+" if i else "", v, prev[0])
                field(body, removed, body.varint, 3)
            n = field(body, lambda v: "%d added" % v, body.varint, 2)
            mappings(body, n, state["files"], 3)
            if body.pos < length:
                field(body, lambda v: "walked (or found gone) %d ns after the round" % v, body.varint, 2)
        elif rtype == 0x22:
            field(body, lambda v: "process %d" % v, body.varint, 2)
            field(body, lambda v: "reason %d (%s)" % (v, REASONS.get(v, "?")), body.u8, 2)
            if body.pos < length:
                field(body, lambda v: "walked (or found gone) %d ns after the round" % v, body.varint, 2)

        elif rtype == 0x40:
            n = field(body, lambda v: "%d records frames" % v, body.varint, 2)
            offset = 0
            for i in range(n):
                offset += field(body, lambda v: "frame %d offset +%d = %d" % (i, v, offset + v), body.varint, 3)
                field(body, lambda v: "first round %s" % seconds(start, v), body.varint, 3)
                field(body, lambda v: "last round %s" % seconds(start, v), body.varint, 3)
        elif rtype == 0x41:
            n = field(body, lambda v: "%d frames with definitions" % v, body.varint, 2)
            for _ in range(n):
                field(body, lambda v: "frame %d" % v, body.varint, 3)
        elif rtype == 0x42:
            field(body, lambda v: "process %d" % v, body.varint, 2)
            field(body, lambda v: "first frame %d" % v, body.varint, 2)
            field(body, lambda v: "last frame %d" % v, body.varint, 2)
            field(body, lambda v: "first snapshot %s" % seconds(start, v), body.varint, 2)
            field(body, lambda v: "last snapshot %s" % seconds(start, v), body.varint, 2)
            field(body, lambda v: "gone: %s" % ("no" if v == 0 else seconds(start, v - 1)), body.varint, 2)
            field(body, lambda v: "%d snapshots" % v, body.varint, 2)
            n = field(body, lambda v: "%d keyframes" % v, body.varint, 2)
            for _ in range(n):
                field(body, lambda v: "keyframe in frame %d" % v, body.varint, 3)
                field(body, lambda v: "at %s" % seconds(start, v), body.varint, 3)
        elif rtype == 0x43:
            for what in ("rounds", "snapshots", "records", "decoded bytes", "records frames"):
                field(body, lambda v, what=what: "%d %s" % (v, what), body.varint, 2)
            field(body, lambda v: "first round %s" % seconds(start, v), body.varint, 2)
            field(body, lambda v: "last round %s" % seconds(start, v), body.varint, 2)


def main(path):
    data = open(path, "rb").read()
    cur = Cursor(data)
    out.append("offset  bytes                                            meaning")
    field(cur, lambda v: "magic %r" % v, lambda: cur.take(8))
    field(cur, lambda v: "major version %d" % v, lambda: struct.unpack("<H", cur.take(2))[0])
    field(cur, lambda v: "minor version %d" % v, lambda: struct.unpack("<H", cur.take(2))[0])
    body_length = field(cur, lambda v: "header body: %d bytes" % v, lambda: struct.unpack("<I", cur.take(4))[0])
    body_end = cur.pos + body_length
    header = {}
    while cur.pos < body_end:
        s = cur.pos
        tag = cur.varint()
        length = cur.varint()
        raw = cur.take(length)
        if tag in STRING_TAGS:
            value = raw.decode("utf-8", "backslashreplace")
        elif tag == 13:
            # Three varints: perf time, recording time, uncertainty (section 2.4).
            field_cursor = Cursor(raw)
            perf, recording, uncertainty = field_cursor.varint(), field_cursor.varint(), field_cursor.varint()
            value = "perf %s at %s, +-%d ns: offset %d ns" % (seconds(0, perf), seconds(0, recording), uncertainty,
                                                              recording - perf)
        else:
            value = Cursor(raw).varint()
        header[tag] = value
        line(s, data[s:cur.pos], "field %d %s (length %d) = %r" % (tag, HEADER_NAMES.get(tag, "unknown"), length, value))
    crc = field(cur, lambda v: "header CRC-32C 0x%08x (computed 0x%08x)" % (v, crc32c(data[:body_end])),
                lambda: struct.unpack("<I", cur.take(4))[0])
    start = header[2]
    state = {"paths": [], "build_ids": [], "files": []}
    footer = None
    if len(data) >= 24 and data[-8:] == b"VMASNEND":
        footer = struct.unpack("<QQ", data[-24:-8])
    while cur.pos < len(data):
        if footer and cur.pos == len(data) - 24:
            field(cur, lambda v: "footer: index frame at %d" % v, lambda: struct.unpack("<Q", cur.take(8))[0])
            field(cur, lambda v: "footer: index frame length %d" % v, lambda: struct.unpack("<Q", cur.take(8))[0])
            field(cur, lambda v: "footer magic %r" % v, lambda: cur.take(8))
            break
        frame_start = cur.pos
        try:
            packed = cur.u8()
            kind, encoding = packed & 0x0F, packed >> 4
            stored = cur.varint()
            decoded = stored if encoding == 0 else cur.varint()
            crc = struct.unpack("<I", cur.take(4))[0]
            payload = cur.take(stored)
        except (ValueError, IndexError, struct.error):
            line(frame_start, data[frame_start:], "the file ends inside this frame: cut short here")
            break
        computed = crc32c(data[frame_start:cur.pos - stored - 4] + payload)
        out.append("")
        line(frame_start, data[frame_start:cur.pos - stored],
             "FRAME kind %d (%s), encoding %d (%s), stored %d, decoded %d, CRC 0x%08x (%s)"
             % (kind, {1: "records", 2: "index"}.get(kind, "unknown"), encoding, {0: "stored", 1: "zstd"}.get(encoding, "?"),
                stored, decoded, crc, "ok" if crc == computed else "MISMATCH, computed 0x%08x" % computed))
        if encoding == 0:
            records(Cursor(payload, cur.pos - stored), start, state, kind == 2)
        else:
            line(cur.pos - stored, payload, "zstd payload (not decoded here)", 1)
    out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
