#!/usr/bin/env python3
"""An independent decoder of vmasnap recordings, written from Formats/vmasnap.md
alone (Python standard library only), that prints an annotated hex dump:
one line per field, with its offset, its bytes and what they mean.

    python3 Formats/golden/walkthrough.py Formats/golden/clean.vmasnap

It generated the dump in WALKTHROUGH.md. zstd frame payloads are not decoded
(the standard library has no zstd); the golden files have none. The stored
symbol tables of SYMBOLS records (always zstd) are decoded with the zstd
command when it is installed, and the table read as Formats/symbols.md says.

    python3 Formats/golden/walkthrough.py --check FILE

rebuilds the index from the records frames by the rules of sections 3 and 4,
checks the frames against the stored index as section 6 says, and prints
either "index agrees with the frames" or each difference (exit status 1).

    python3 Formats/golden/walkthrough.py --states FILE < QUERIES

reads "PROCESS TIME" lines (TIME in ns on the recording's clock) and prints,
for each, the mappings of that process at that time as section 5 finds them
with the index (a FORK: its parent's set there, as section 5.2 follows
forks): "-" for none, else "START-END:OFFSET:FILE" items.

    python3 Formats/golden/walkthrough.py --statuses FILE < QUERIES

reads "PID TIME ADDRESS" lines (decimal; TIME in ns on the recording's clock)
and prints, for each, the status section 5.1 gives the address (exact,
loaded-between, unloaded-between, unmapped, unknown-pid,
before-first-snapshot, after-exit, kernel), from the epochs of a replay of
every frame: event-dated changes (origin 1) outside every LOST window close
the gap before them.
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
                10: "capture backend", 11: "flush interval", 12: "keyframe interval", 13: "perf clock",
                14: "kernel events", 15: "kernel events refusal"}
STRING_TAGS = {5, 6, 7, 8, 10, 15}
KERNEL_EVENTS = {1: "off", 2: "on", 3: "refused"}
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
                 0x07: "SYMBOLS", 0x08: "RECORDER_REPORT",
                 0x10: "ROUND", 0x11: "QUIET", 0x12: "LOST",
                 0x20: "KEYFRAME", 0x21: "DELTA", 0x22: "GONE", 0x23: "FORK", 0x40: "FRAMES", 0x41: "DEFINITIONS",
                 0x42: "PROCESS (index)", 0x43: "SUMMARY", 0x44: "LOST_WINDOWS"}
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
        elif rtype == 0x08:
            field(body, lambda v: "%d walks" % v, body.varint, 2)
            field(body, lambda v: "%d walks met a change" % v, body.varint, 2)
            if body.pos < length:
                # Only when kernel events were on (section 3.6).
                field(body, lambda v: "%d processes from events" % v, body.varint, 2)
                field(body, lambda v: "%d changes found by walks only" % v, body.varint, 2)
                field(body, lambda v: "%d event records lost" % v, body.varint, 2)
                field(body, lambda v: "in %d loss windows" % v, body.varint, 2)
            else:
                line(body.base + body.pos, b"", "(no event counts: events off or refused)", 2)
        elif rtype == 0x10:
            field(body, lambda v: "time %d ns after start = %s" % (v, seconds(start, v)), body.varint, 2)
        elif rtype == 0x12:
            # Section 3.7: kernel events may be missing for every process.
            first = field(body, lambda v: "events may be missing from %s" % seconds(start, v), body.varint, 2)
            field(body, lambda v: "lasting %d ns: through %s" % (v, seconds(start, first + v)), body.varint, 2)
        elif rtype == 0x11:
            field(body, lambda v: "%d quiet rounds" % v, body.varint, 2)
            first = body.varint()
            line(body.base + body.pos - len(varint_bytes(first)), varint_bytes(first), "first at %s" % seconds(start, first), 2)
            field(body, lambda v: "lasting %d ns: last at %s" % (v, seconds(start, first + v)), body.varint, 2)
        elif rtype == 0x20:
            field(body, lambda v: "process %d" % v, body.varint, 2)
            n = field(body, lambda v: "%d mappings" % v, body.varint, 2)
            mappings(body, n, state["files"], 3)
            origin(body, length)
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
            origin(body, length)
        elif rtype == 0x22:
            field(body, lambda v: "process %d" % v, body.varint, 2)
            field(body, lambda v: "reason %d (%s)" % (v, REASONS.get(v, "?")), body.u8, 2)
            if body.pos < length:
                field(body, lambda v: "walked (or found gone) %d ns after the round" % v, body.varint, 2)
        elif rtype == 0x23:
            # Section 3.3.1 (2.0): the child's first set is its parent's, not listed again.
            field(body, lambda v: "child process %d" % v, body.varint, 2)
            field(body, lambda v: "forked from process %d: the parent's set as the records before this left it" % v,
                  body.varint, 2)
            if body.pos < length:
                field(body, lambda v: "forked %d ns after the round (origin: always the fork's event)" % v, body.varint, 2)
            else:
                line(body.base + body.pos, b"", "(no delay: at the round's time; origin: always the fork's event)", 2)

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
        elif rtype == 0x44:
            n = field(body, lambda v: "%d lost windows" % v, body.varint, 2)
            for _ in range(n):
                first = field(body, lambda v: "from %s" % seconds(start, v), body.varint, 3)
                field(body, lambda v: "lasting %d ns: through %s" % (v, seconds(start, first + v)), body.varint, 3)


def origin(body, length):
    """The optional delay of KEYFRAME and DELTA, then (1.2) the optional origin."""
    if body.pos < length:
        field(body, lambda v: "walked (or found gone) %d ns after the round" % v, body.varint, 2)
    if body.pos < length:
        field(body, lambda v: "origin %d: %s" % (v, "dated by a kernel event" if v == 1 else "found by a walk"), body.varint, 2)


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
        elif tag == 14:
            # 1 off, 2 on, 3 refused by the kernel (section 2.1); others unknown.
            number = Cursor(raw).varint()
            value = "%d (%s)" % (number, KERNEL_EVENTS.get(number, "unknown"))
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


# ---------------------------------------------------------------------------
# --check and --states: section 3's rules, section 4's index, section 5's
# reading, section 6's checks, from the specification alone.

RECORD_TYPES_BELOW_INDEX = 0x40
# Section 3.3.1: the deepest FORK a file may hold; section 5.2 follows at most this many.
MAXIMUM_FORK_DEPTH = 8


class Bad(Exception):
    """A rule of the specification that the file breaks."""


def parse_file(data):
    """The header fields, the header's length, the frames (offset, kind,
    encoding, payload, decoded length) up to the index frame when the footer
    is valid, and the footer (index offset, length) or None."""
    cur = Cursor(data)
    if cur.take(8) != b"VMASNAP\0":
        raise Bad("not a recording")
    cur.take(4)
    body_length = struct.unpack("<I", cur.take(4))[0]
    body_end = cur.pos + body_length
    header = {}
    while cur.pos < body_end:
        tag = cur.varint()
        raw = cur.take(cur.varint())
        header[tag] = raw if tag in STRING_TAGS else Cursor(raw).varint()
    if struct.unpack("<I", cur.take(4))[0] != crc32c(data[:body_end]):
        raise Bad("header CRC mismatch")
    footer = None
    if len(data) - cur.pos >= 24 and data[-8:] == b"VMASNEND":
        offset, length = struct.unpack("<QQ", data[-24:-8])
        if offset >= cur.pos and offset + length == len(data) - 24:
            footer = (offset, length)
    end = footer[0] if footer else len(data)
    frames = []
    while cur.pos < end:
        start = cur.pos
        packed = cur.u8()
        kind, encoding = packed & 0x0F, packed >> 4
        stored = cur.varint()
        decoded = stored if encoding == 0 else cur.varint()
        crc = struct.unpack("<I", cur.take(4))[0]
        if cur.pos + stored > end:
            raise Bad("the frame at byte %d does not end before byte %d" % (start, end))
        payload = cur.take(stored)
        if crc != crc32c(data[start:cur.pos - stored - 4] + payload):
            raise Bad("the frame at byte %d fails its CRC" % start)
        frames.append((start, kind, encoding, payload, decoded))
    return header, body_end + 4, frames, footer


def read_records(payload):
    """(type, body cursor, record start) of each record of a payload."""
    cur = Cursor(payload)
    while cur.pos < len(payload):
        start = cur.pos
        rtype = cur.u8()
        body = Cursor(cur.take(cur.varint()))
        yield rtype, body, start


def read_mappings(body, count):
    mappings, previous_end = [], 0
    for _ in range(count):
        start = previous_end + body.varint() * 4096
        end = start + body.varint() * 4096
        offset = body.varint() * 4096
        flags = body.u8()
        file_number = body.varint()
        page = body.varint() if flags & 0x10 else 4096
        mappings.append((start, end, offset, flags & 0x0F, file_number, page))
        previous_end = end
    return mappings


def delay(body, length):
    return body.varint() if body.pos < length else 0


def change_origin(body, length):
    """Section 3.3 (1.2): 1 = dated by a kernel event; absent or any other value: found by a walk."""
    return 1 if body.pos < length and body.varint() == 1 else 0


def decode_record(rtype, body):
    """The fields of a records-frame record this decoder knows, else None."""
    n = len(body.data)
    if rtype == 0x04:
        number, pid, start_time, parent, exe = (body.varint() for _ in range(5))
        return ("PROCESS", number)
    if rtype == 0x05:
        return ("EXEC", body.varint())
    if rtype == 0x06:
        perf_time, recording_time, uncertainty = body.varint(), body.varint(), body.varint()
        return ("PERF_CLOCK", recording_time)
    if rtype == 0x07:
        return ("SYMBOLS", body.varint())
    if rtype == 0x08:
        walks, met = body.varint(), body.varint()
        return ("RECORDER_REPORT", walks)
    if rtype == 0x10:
        return ("ROUND", body.varint())
    if rtype == 0x11:
        count, first, span = body.varint(), body.varint(), body.varint()
        return ("QUIET", count, first, first + span)
    if rtype == 0x20:
        process, count = body.varint(), body.varint()
        mappings = read_mappings(body, count)
        wait = delay(body, n)
        return ("KEYFRAME", process, mappings, change_origin(body, n), wait)
    if rtype == 0x21:
        process, removed, previous = body.varint(), [], 0
        for i in range(body.varint()):
            previous += body.varint() * 4096
            removed.append(previous)
        added = read_mappings(body, body.varint())
        wait = delay(body, n)
        return ("DELTA", process, removed, added, change_origin(body, n), wait)
    if rtype == 0x22:
        process, reason = body.varint(), body.u8()
        return ("GONE", process, delay(body, n))
    if rtype == 0x12:
        first, span = body.varint(), body.varint()
        return ("LOST", first, first + span)
    if rtype == 0x23:
        child, parent = body.varint(), body.varint()
        return ("FORK", child, parent, delay(body, n))
    return None


def apply_delta(mappings, removed, added):
    starts = {m[0] for m in mappings}
    for start in removed:
        if start not in starts:
            raise Bad("a DELTA removes 0x%x, which the process does not have" % start)
    result = sorted([m for m in mappings if m[0] not in set(removed)] + added)
    for a, b in zip(result, result[1:]):
        if b[0] < a[1]:
            raise Bad("a DELTA leaves mappings that overlap at 0x%x" % b[0])
    return result


def rebuild_index(header, frames):
    """The index of section 4, from the records frames, checking section 3's rules."""
    interval = header.get(12, 0)
    index = {"frames": [], "definitions": [], "processes": [], "rounds": 0, "records": 0, "decoded": 0, "lost": []}
    procs = index["processes"]
    rounds = 0            # rounds closed
    last_closed = 0       # time of the last closed round
    latest = 0            # latest time of a KEYFRAME, DELTA or GONE
    open_round = None
    first_round = None
    counts = {0x01: 0, 0x02: 0, 0x03: 0}

    def catch_up(p):
        if p["live_since"] is not None and p["gone"] is None and rounds > p["counted"]:
            p["snapshots"] += rounds - p["counted"]
            p["last"] = last_closed
            p["counted"] = rounds

    def begin_round(time):
        if time < max(last_closed, latest):
            raise Bad("a round at %d begins before %d" % (time, max(last_closed, latest)))

    for number, (offset, kind, encoding, payload, decoded) in enumerate(f for f in frames if f[1] == 1):
        if encoding != 0:
            raise Bad("frame %d is zstd-compressed, which this decoder cannot read" % number)
        frame_first = frame_last = None
        definitions = False
        for rtype, body, _ in read_records(payload):
            index["records"] += 1
            if rtype >= RECORD_TYPES_BELOW_INDEX:
                raise Bad("index record type 0x%02x in a records frame" % rtype)
            if rtype in counts:
                counts[rtype] += 1
                definitions = True
                continue
            record = decode_record(rtype, body)
            if record is None:
                continue
            what = record[0]
            if what == "LOST":
                # In no round, not a definition; listed in LOST_WINDOWS (spec 3.7, 4).
                index["lost"].append((record[1], record[2]))
                continue
            if what in ("PERF_CLOCK", "RECORDER_REPORT"):
                # In no round; listed in DEFINITIONS (spec 3.4, 3.6).
                definitions = True
                continue
            if what == "SYMBOLS":
                # In no round, for a build ID defined before; listed in DEFINITIONS (spec 3.5).
                if record[1] >= counts[0x02]:
                    raise Bad("SYMBOLS for build ID %d, not defined before it" % record[1])
                definitions = True
                continue
            if what in ("ROUND", "QUIET"):
                if open_round is not None:
                    rounds, last_closed, open_round = rounds + 1, open_round, None
                first = record[1] if what == "ROUND" else record[2]
                last = record[1] if what == "ROUND" else record[3]
                begin_round(first)
                if what == "ROUND":
                    open_round = first
                else:
                    rounds, last_closed = rounds + record[1], last
                first_round = first if first_round is None else first_round
                frame_first = first if frame_first is None else frame_first
                frame_last = last
                continue
            if what == "PROCESS":
                if record[1] != len(procs):
                    raise Bad("PROCESS %d out of order" % record[1])
                procs.append({"first_frame": number, "last_frame": number, "first": None, "last": 0, "gone": None,
                              "snapshots": 0, "live_since": None, "snap_round": None, "counted": 0,
                              "keyframes": [], "mappings": None, "epochs": [], "depth": 0})
                definitions = True
                continue
            p = procs[record[1]]
            p["last_frame"] = number
            if what == "EXEC":
                definitions = True
                continue
            if open_round is None:
                raise Bad("%s outside a round" % what)
            time = open_round + record[-1]
            latest = max(latest, time)
            if what == "GONE":
                catch_up(p)
                p["gone"] = time
                continue
            if p["gone"] is not None or (what == "DELTA" and p["live_since"] is None):
                raise Bad("%s of process %d, which is not live" % (what, record[1]))
            if p["snap_round"] == rounds:
                raise Bad("two snapshots of process %d in one round" % record[1])
            if what == "FORK":
                # Section 3.3.1: a live parent, other than the child; the child's first snapshot; depth at most 8.
                parent = procs[record[2]] if record[2] < len(procs) else None
                if parent is None or record[2] == record[1]:
                    raise Bad("FORK of process %d from process %d, not another defined process" % (record[1], record[2]))
                if parent["live_since"] is None or parent["gone"] is not None:
                    raise Bad("FORK of process %d from process %d, which is not live" % (record[1], record[2]))
                if p["first"] is not None:
                    raise Bad("FORK of process %d, which has a snapshot already" % record[1])
                if parent["depth"] + 1 > MAXIMUM_FORK_DEPTH:
                    raise Bad("FORK of process %d %d deep" % (record[1], parent["depth"] + 1))
            catch_up(p)
            previous_last = p["last"]
            p["snap_round"], p["snapshots"], p["last"], p["counted"] = rounds, p["snapshots"] + 1, time, rounds + 1
            if what in ("KEYFRAME", "FORK"):
                if what == "KEYFRAME":
                    p["mappings"], p["depth"] = record[2], 0
                else:
                    p["mappings"], p["depth"] = parent["mappings"], parent["depth"] + 1
                if p["first"] is None:
                    p["first"], p["live_since"] = time, rounds
                if not p["keyframes"] or time - p["keyframes"][-1][1] >= interval:
                    p["keyframes"].append((number, time))
            else:
                p["mappings"] = apply_delta(p["mappings"], record[2], record[3])
            # Section 5.1's epochs: a new set begins one; its origin (record[-2]) says what dated it.
            epochs = p["epochs"]
            if epochs and epochs[-1]["set"] == p["mappings"]:
                epochs[-1]["last"] = time
            else:
                if epochs:
                    epochs[-1]["last"] = previous_last
                # A FORK's origin is always 1, the fork's event (section 3.3).
                epochs.append({"first": time, "last": time, "set": p["mappings"],
                               "origin": 1 if what == "FORK" else record[-2]})
        if open_round is not None:
            rounds, last_closed, open_round = rounds + 1, open_round, None
        index["frames"].append((offset, frame_first or 0, frame_last or 0))
        if definitions:
            index["definitions"].append(number)
        index["decoded"] += decoded
    for p in procs:
        catch_up(p)
        if p["epochs"]:
            p["epochs"][-1]["last"] = p["last"]
    index["rounds"] = rounds
    index["first_round"] = first_round or 0
    index["last_round"] = last_closed if first_round is not None else 0
    return index


def stored_index(payload):
    """The index frame's records, as section 4 lays them out."""
    index = {"frames": [], "definitions": [], "processes": [], "lost": []}
    for rtype, body, _ in read_records(payload):
        if rtype < RECORD_TYPES_BELOW_INDEX:
            raise Bad("records-frame type 0x%02x in the index" % rtype)
        if rtype == 0x40:
            offset = 0
            for _ in range(body.varint()):
                offset += body.varint()
                index["frames"].append((offset, body.varint(), body.varint()))
        elif rtype == 0x41:
            index["definitions"] = [body.varint() for _ in range(body.varint())]
        elif rtype == 0x42:
            number, first_frame, last_frame, first, last, gone, snapshots = (body.varint() for _ in range(7))
            keyframes = [(body.varint(), body.varint()) for _ in range(body.varint())]
            index["processes"].append({"first_frame": first_frame, "last_frame": last_frame, "first": first,
                                       "last": last, "gone": gone - 1 if gone else None, "snapshots": snapshots,
                                       "keyframes": keyframes})
        elif rtype == 0x43:
            (index["rounds"], index["snapshots"], index["records"], index["decoded"], index["frame_count"],
             index["first_round"], index["last_round"]) = (body.varint() for _ in range(7))
        elif rtype == 0x44:
            for _ in range(body.varint()):
                first = body.varint()
                index["lost"].append((first, first + body.varint()))
    return index


def check(path):
    data = open(path, "rb").read()
    header, header_length, frames, footer = parse_file(data)
    if footer is None:
        print("no valid footer: nothing to check the frames against")
        return 1
    index_frame = parse_file_frame(data, footer[0])
    stored = stored_index(index_frame)
    rebuilt = rebuild_index(header, frames)
    problems = []
    listed = [f[0] for f in stored["frames"]]
    found = [f[0] for f in frames if f[1] == 1]
    if listed != found:
        problems.append("FRAMES lists frames at %s, the file holds records frames at %s" % (listed, found))
    if stored["frames"] != rebuilt["frames"]:
        problems.append("FRAMES times %s, the frames hold %s" % (stored["frames"], rebuilt["frames"]))
    if stored["definitions"] != rebuilt["definitions"]:
        problems.append("DEFINITIONS %s, the frames %s" % (stored["definitions"], rebuilt["definitions"]))
    if stored["lost"] != rebuilt["lost"]:
        problems.append("LOST_WINDOWS %s, the frames %s" % (stored["lost"], rebuilt["lost"]))
    if len(stored["processes"]) != len(rebuilt["processes"]):
        problems.append("%d PROCESS records, %d processes" % (len(stored["processes"]), len(rebuilt["processes"])))
    for number, (a, b) in enumerate(zip(stored["processes"], rebuilt["processes"])):
        for key in ("first_frame", "last_frame", "first", "last", "gone", "snapshots", "keyframes"):
            expected = b[key]
            if key == "first" and expected is None:
                expected = 0
            if a[key] != expected:
                problems.append("process %d: %s is %r in the index, %r in the frames" % (number, key, a[key], expected))
        if a["snapshots"] and a["last"] < a["first"]:
            problems.append("process %d: its last time is before its first" % number)
    snapshots = sum(p["snapshots"] for p in rebuilt["processes"])
    for key, value in (("rounds", rebuilt["rounds"]), ("snapshots", snapshots), ("records", rebuilt["records"]),
                       ("decoded", rebuilt["decoded"]), ("frame_count", len(found)),
                       ("first_round", rebuilt["first_round"]), ("last_round", rebuilt["last_round"])):
        if stored.get(key) != value:
            problems.append("SUMMARY %s is %r, the frames give %r" % (key, stored.get(key), value))
    for problem in problems:
        print(problem)
    if not problems:
        print("index agrees with the frames: %d frames, %d processes, %d rounds"
              % (len(found), len(rebuilt["processes"]), rebuilt["rounds"]))
    return 1 if problems else 0


def parse_file_frame(data, offset):
    """The payload of the (stored) frame at offset."""
    cur = Cursor(data)
    cur.pos = offset
    packed = cur.u8()
    stored = cur.varint()
    if packed >> 4 != 0:
        raise Bad("the index frame is zstd-compressed, which this decoder cannot read")
    cur.take(4)
    return cur.take(stored)


def state_at(header, frames, stored, process, time):
    """Section 5: the mappings of `process` at absolute time `time`, with the index."""
    t = time - header[2]
    p = stored["processes"][process]
    if p["gone"] is not None and p["gone"] <= t:
        return None
    listed = [k for k in p["keyframes"] if k[1] <= t]
    if not listed:
        return None
    frame_number, _ = listed[-1]
    records_frames = [f for f in frames if f[1] == 1]
    mappings = None
    round_time = None
    for number in range(frame_number, p["last_frame"] + 1):
        if number > frame_number and stored["frames"][number][1] > t:
            break
        for rtype, body, record_start in read_records(records_frames[number][3]):
            record = decode_record(rtype, body)
            if record is None:
                continue
            what = record[0]
            if what == "ROUND" or what == "QUIET":
                round_time = record[1] if what == "ROUND" else record[2]
                if round_time > t:
                    return mappings
                if what == "QUIET":
                    round_time = None
                continue
            if what in ("PROCESS", "EXEC", "PERF_CLOCK", "SYMBOLS", "RECORDER_REPORT", "LOST") or record[1] != process:
                continue
            if what == "GONE":
                return mappings if round_time + record[-1] > t else None
            if round_time + record[-1] > t:
                return mappings
            if what == "KEYFRAME":
                mappings = record[2]
            elif what == "FORK":
                mappings = set_before(records_frames, stored, record[2], number, record_start)
            elif mappings is not None:  # DELTAs before the first KEYFRAME of the frame are skipped
                mappings = apply_delta(mappings, record[2], record[3])
        round_time = None
    return mappings


def set_before(records_frames, stored, process, frame, start):
    """Section 5.2: the set of `process` just before the record at `start` of
    records frame `frame`, following FORKs back, at most MAXIMUM_FORK_DEPTH."""
    levels = []
    for _ in range(MAXIMUM_FORK_DEPTH):
        base, deltas = reading_before(records_frames, stored, process, frame, start)
        levels.append(deltas)
        if base[0] == "KEYFRAME":
            mappings = base[1]
            for deltas in reversed(levels):
                for removed, added in deltas:
                    mappings = apply_delta(mappings, removed, added)
            return mappings
        _, process, frame, start = base
    raise Bad("a FORK more than %d deep" % MAXIMUM_FORK_DEPTH)


def reading_before(records_frames, stored, process, frame, start):
    """The last KEYFRAME (its set) or FORK (its parent and place) of `process`
    before the record at `start` of frame `frame`, and its DELTAs after it."""
    if process >= len(stored["processes"]):
        raise Bad("a FORK from process %d, which is not defined" % process)
    for listed_frame, _ in reversed([k for k in stored["processes"][process]["keyframes"] if k[0] <= frame]):
        base, deltas = None, []
        for number in range(listed_frame, frame + 1):
            for rtype, body, record_start in read_records(records_frames[number][3]):
                if number == frame and record_start >= start:
                    break
                record = decode_record(rtype, body)
                if record is None or record[0] not in ("KEYFRAME", "DELTA", "GONE", "FORK") or record[1] != process:
                    continue
                if record[0] == "KEYFRAME":
                    base, deltas = ("KEYFRAME", record[2]), []
                elif record[0] == "FORK":
                    base, deltas = ("FORK", record[2], number, record_start), []
                elif record[0] == "GONE":
                    raise Bad("a FORK from process %d, which is gone before it" % process)
                elif base is not None:
                    deltas.append((record[2], record[3]))
        if base is not None:
            return base, deltas
    raise Bad("a FORK from process %d, which has no snapshot before it" % process)


def file_paths(frames):
    """Each FILE number's path, from the PATH and FILE records in file order."""
    paths, files = [], []
    for _, kind, encoding, payload, _ in frames:
        if kind != 1 or encoding != 0:
            continue
        for rtype, body, _ in read_records(payload):
            if rtype == 0x01:
                paths.append(bytes(body.data).decode("utf-8", "backslashreplace"))
            elif rtype == 0x03:
                body.varint(), body.varint()
                files.append(paths[body.varint()])
    return files


def states(path):
    data = open(path, "rb").read()
    header, _, frames, footer = parse_file(data)
    stored = stored_index(parse_file_frame(data, footer[0]))
    files = file_paths(frames)
    for query in sys.stdin:
        process, time = (int(x) for x in query.split())
        mappings = state_at(header, frames, stored, process, time)
        print("-" if mappings is None else
              " ".join("%x-%x:%x:%s:%s" % (m[0], m[1], m[2], PERMS(m[3]), files[m[4]]) for m in mappings))
    return 0


def pids(frames):
    """Each process number's pid, from the PROCESS records in file order."""
    result = []
    for _, kind, encoding, payload, _ in frames:
        if kind != 1 or encoding != 0:
            continue
        for rtype, body, _ in read_records(payload):
            if rtype == 0x04:
                body.varint()
                result.append(body.varint())
    return result


def status(index, pid_of, pid, t, address):
    """Section 5.1: the status of `address` in `pid` at relative time `t`."""
    if address >= 0xffff800000000000:
        return "kernel"
    instances = [p for number, p in enumerate(index["processes"]) if pid_of[number] == pid and p["epochs"]]
    if not instances:
        return "unknown-pid"
    started = [p for p in instances if p["epochs"][0]["first"] <= t]
    if not started:
        return "before-first-snapshot"
    p = max(started, key=lambda p: p["epochs"][0]["first"])
    if p["gone"] is not None and t >= p["gone"]:
        return "after-exit"
    epochs = p["epochs"]
    i = max(n for n, e in enumerate(epochs) if e["first"] <= t)
    here = [m for m in epochs[i]["set"] if m[0] <= address < m[1]]
    if i + 1 == len(epochs):
        return "exact" if here else "unmapped"
    following = epochs[i + 1]
    # An event-dated change outside every LOST window closes the gap (sections 3.3, 3.7).
    exact_change = following["origin"] == 1 and not any(a <= following["first"] <= b for a, b in index["lost"])
    end = following["first"] if exact_change else epochs[i]["last"]
    if t < end:
        return "exact" if here else "unmapped"
    if here:
        return "exact" if here[0] in following["set"] else "unloaded-between"
    loaded = [m for m in following["set"] if m[0] <= address < m[1]]
    if loaded and not any(o[0] < loaded[0][1] and loaded[0][0] < o[1] for o in epochs[i]["set"]):
        return "loaded-between"
    return "unmapped"


def statuses(path):
    data = open(path, "rb").read()
    header, _, frames, _ = parse_file(data)
    index = rebuild_index(header, frames)
    pid_of = pids(frames)
    for query in sys.stdin:
        pid, time, address = (int(x) for x in query.split())
        print(status(index, pid_of, pid, time - header[2], address))
    return 0


if __name__ == "__main__":
    try:
        if sys.argv[1] == "--check":
            sys.exit(check(sys.argv[2]))
        if sys.argv[1] == "--states":
            sys.exit(states(sys.argv[2]))
        if sys.argv[1] == "--statuses":
            sys.exit(statuses(sys.argv[2]))
    except Bad as problem:
        print("the file breaks the format: %s" % problem)
        sys.exit(1)
    main(sys.argv[1])
