import Foundation
@testable import VMASnap

/// The real perf output stored in Tests/PerfScriptSamples (see its README).
enum PerfScriptSamples {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PerfScriptSamples")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }
}

/// One PERF_RECORD_MMAP2 line of `perf script --show-mmap-events`:
/// perf's own idea of a mapping, the oracle the lookup is checked against.
struct PerfMmapEvent: Equatable {
    var pid: Int32
    var time: Int64
    var start: UInt64
    var length: UInt64
    var pageOffset: UInt64
    var permissions: String
    var path: String

    var end: UInt64 { start + length }

    /// Parses "comm PID/TID TIME: PERF_RECORD_MMAP2 PID/TID: [0xSTART(0xLEN) @ 0xPGOFF MAJ:MIN INODE GEN]: PERMS PATH";
    /// nil for other lines.
    init?(line: String) {
        guard let marker = line.range(of: "PERF_RECORD_MMAP2 ") else { return nil }
        let head = line[..<marker.lowerBound].split(separator: " ")
        guard head.count >= 2, let timeField = head.last, timeField.hasSuffix(":"),
              let time = TimeText.parseSeconds(Array(timeField.dropLast().utf8)),
              let pid = Int32(head[head.count - 2].split(separator: "/")[0])
        else { return nil }
        let rest = line[marker.upperBound...]
        guard let open = rest.firstIndex(of: "["), let close = rest.range(of: "]: ") else { return nil }
        let inside = rest[rest.index(after: open)..<close.lowerBound]  // 0xSTART(0xLEN) @ 0xPGOFF ...
        let parts = inside.split(separator: " ")
        guard parts.count >= 3, let paren = parts[0].firstIndex(of: "("),
              let start = AddressText.parse(String(parts[0][..<paren])),
              let length = AddressText.parse(String(parts[0][parts[0].index(after: paren)...].dropLast())),
              let pageOffset = AddressText.parse(String(parts[2]))
        else { return nil }
        let tail = rest[close.upperBound...]
        guard let space = tail.firstIndex(of: " ") else { return nil }
        self.pid = pid
        self.time = time
        self.start = start
        self.length = length
        self.pageOffset = pageOffset
        self.permissions = String(tail[..<space])
        self.path = String(tail[tail.index(after: space)...])
    }

    /// All MMAP2 events of `text` that are executable file mappings.
    static func all(in text: String) -> [PerfMmapEvent] {
        text.split(separator: "\n").compactMap { PerfMmapEvent(line: String($0)) }
            .filter { $0.permissions.contains("x") && $0.path.hasPrefix("/") }
    }

    /// perf's answer for `address` of `pid` at `time`: the latest MMAP2 event
    /// at or before `time` that covers it (perf never learns of unmaps; a
    /// later mapping replaces an earlier one where they overlap).
    static func answer(_ events: [PerfMmapEvent], pid: Int32, time: Int64, address: UInt64) -> PerfMmapEvent? {
        events.last { $0.pid == pid && $0.time <= time && $0.start <= address && address < $0.end }
    }
}

extension ExecutableMapping {
    /// A test mapping: r-xp on device fe:00, the inode derived from the path.
    static func test(_ start: UInt64, _ end: UInt64, offset: UInt64 = 0, path: String, buildID: String? = nil) -> ExecutableMapping {
        ExecutableMapping(
            start: start, end: end, offset: offset, permissions: [.read, .execute],
            device: DeviceNumber(major: 0xfe, minor: 0), inode: UInt64(truncatingIfNeeded: path.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }),
            pageSize: 4096, path: MappedPath(path), buildID: buildID.flatMap { BuildID(hex: $0) })
    }
}

extension ProcessHistory {
    /// A history from snapshots (time, mappings) in time order, merging
    /// runs of equal sets into epochs as a reader does.
    static func fromSnapshots(pid: Int32, startTime: UInt64 = 1, _ snapshots: [(Int64, [ExecutableMapping])], goneTime: Int64? = nil) -> ProcessHistory {
        var epochs: [Epoch] = []
        for (time, mappings) in snapshots {
            if var last = epochs.last, last.mappings == mappings {
                last.lastSeen = time
                last.snapshotCount += 1
                epochs[epochs.count - 1] = last
            } else {
                epochs.append(Epoch(firstSeen: time, lastSeen: time, snapshotCount: 1, mappings: mappings))
            }
        }
        let process = RecordedProcess(identity: ProcessIdentity(pid: pid, startTime: startTime), parentPID: 1,
                                      command: Array("test".utf8), executable: nil)
        return ProcessHistory(process: process, epochs: epochs, goneTime: goneTime)
    }
}

extension CommandResult {
    /// Runs the vmasnap CLI with standard input read from `inputFile` (the
    /// runner writes input and reads output concurrently, so any size works).
    static func run(_ arguments: [String], inputFile: String) throws -> CommandResult {
        try run(arguments, input: String(decoding: try Data(contentsOf: URL(fileURLWithPath: inputFile)), as: UTF8.self))
    }
}
