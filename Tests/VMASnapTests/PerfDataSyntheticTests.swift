import Foundation
import Testing
@testable import VMASnap

/// perf.data files built from parts (`PerfDataBuilder`): both byte orders,
/// several events matched by id, perf's round order, pipe mode, and damage
/// of every kind, which must give a clear error and never a crash.
@Suite struct PerfDataSyntheticTests {
    /// Two events with IDENTIFIER (as perf gives events of different sample types), sample_id_all.
    static func attributes() -> (PerfEventAttribute, PerfEventAttribute) {
        var cycles = PerfEventAttribute(type: 1, config: 0, size: 128)
        cycles.sampleType = [.identifier, .ip, .tid, .time, .cpu, .period, .callchain]
        cycles.flags = [.sampleIDAll, .mmap, .mmap2, .comm, .task, .commExec, .disabled, .inherit, .excludeHypervisor]
        cycles.samplePeriodOrFrequency = 4000
        var tracking = PerfEventAttribute(type: 1, config: 9, size: 128)
        tracking.sampleType = [.identifier, .ip, .tid, .time, .cpu]
        // With build IDs, as `perf record --buildid-mmap` asks for them.
        tracking.flags = [.sampleIDAll, .useClockID, .buildID]
        tracking.clockID = 1
        return (cycles, tracking)
    }

    static let library = "/usr/lib/libsynthetic.so"

    /// A session: COMM, MMAP2 of both kinds, samples of both events out of
    /// order inside a round, FORK, LOST, EXIT, and features.
    static func session(_ order: PerfByteOrder) -> PerfDataBuilder {
        let (cycles, tracking) = attributes()
        var builder = PerfDataBuilder(order: order)
        builder.attributes = [(cycles, [11, 12]), (tracking, [21])]
        let user = UInt64(bitPattern: -512), kernel = UInt64(bitPattern: -128)
        builder.records = [
            builder.comm(tracking, id: 21, pid: 100, tid: 100, name: "app", time: 0),
            builder.mmap2(tracking, id: 21, pid: 100, tid: 100, start: 0x7f00_0000_0000, length: 0x4000, pageOffset: 0x1000,
                          filename: library, time: 0),
            builder.sample(cycles, id: 12, ip: 0x7f00_0000_1234, pid: 100, tid: 101, time: 3_000,
                           callchain: [user, 0x7f00_0000_1234, 0x7f00_0000_2000, 0x5555_0000_1000]),
            builder.sample(cycles, id: 11, ip: 0xffff_ffff_8100_0000, pid: 100, tid: 100, time: 2_000,
                           callchain: [kernel, 0xffff_ffff_8100_0000, 0xffff_ffff_8100_1000, user, 0x7f00_0000_3000], misc: PerfRecordMisc.kernel),
            builder.mmap2(tracking, id: 21, pid: 100, tid: 100, start: 0x7f00_1000_0000, length: 0x2000, pageOffset: 0,
                          filename: "/usr/lib/libbuildid.so", time: 2_500, buildID: [0xab, 0xcd, 0xef]),
            builder.finishedRound,
            builder.sample(tracking, id: 21, ip: 0x7f00_1000_0010, pid: 100, tid: 100, time: 4_000),
            builder.fork(tracking, id: 21, pid: 200, parent: 100, time: 3_500),
            builder.lost(cycles, id: 11, count: 7, time: 3_600),
            builder.fork(tracking, id: 21, pid: 200, parent: 100, time: 5_000, exit: true),
            builder.sample(cycles, id: 99, ip: 1, pid: 1, tid: 1, time: 4_500),  // names no event
            builder.finishedRound,
        ]
        builder.features = [
            (PerfDataFeatures.Number.hostName, builder.headerString("synthetic")),
            (PerfDataFeatures.Number.osRelease, builder.headerString("6.1.0-test")),
            (PerfDataFeatures.Number.commandLine, builder.u32(3) + builder.headerString("/usr/bin/perf")
                + builder.headerString("record") + builder.headerString("-g")),
            (PerfDataFeatures.Number.clockData, builder.u32(1) + builder.u32(1) + builder.u64(1_700_000_000_000_000_000) + builder.u64(123)),
        ]
        return builder
    }

    /// What a reader hands on, as text: one line a record.
    static func read(_ path: String) throws -> (lines: [String], reader: PerfDataReader) {
        let reader = try PerfDataReader(path: path)
        var lines: [String] = []
        try reader.forEachRecord { record in
            let decoder = reader.events.decoders[record.event]
            let event: PerfEvent
            do {
                event = try decoder.event(record.bytes)
            } catch let error as PerfEventError {
                throw record.error(error)
            }
            switch event {
            case .sample(let sample):
                lines.append("sample event \(record.event) \(sample.pid!)/\(sample.tid!) t\(sample.time!) ip \(String(sample.ip!, radix: 16)) "
                    + "cpu \(sample.cpu!) chain \(sample.callchain.map { String($0, radix: 16) })")
            case .mmap(let mapping):
                lines.append("mmap \(mapping.pid) \(String(mapping.start, radix: 16)) \(mapping.length) \(mapping.pageOffset) "
                    + "\(mapping.identity) prot \(mapping.protection) \(String(decoding: mapping.filename, as: UTF8.self)) t\(record.time ?? 0)")
            case .comm(let comm): lines.append("comm \(comm.pid)/\(comm.tid) \(String(decoding: comm.command, as: UTF8.self))")
            case .fork(let task): lines.append("fork \(task.pid) from \(task.parentPID) t\(task.time)")
            case .exit(let task): lines.append("exit \(task.pid) t\(task.time)")
            case .lost(let id, let count): lines.append("lost \(count) of \(id)")
            default: lines.append("other")
            }
        }
        return (lines, reader)
    }

    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = RecordingReaderTests.temporaryPath(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let expected = [
        "comm 100/100 app",
        "mmap 100 7f0000000000 16384 4096 inode(major: 254, minor: 1, inode: 1234, generation: 0) prot 5 /usr/lib/libsynthetic.so t0",
        // Round 1 is released by round 2's end, in time order.
        "sample event 0 100/100 t2000 ip ffffffff81000000 cpu 1 chain [\"ffffffffffffff80\", \"ffffffff81000000\", \"ffffffff81001000\", \"fffffffffffffe00\", \"7f0000003000\"]",
        "mmap 100 7f0010000000 8192 0 buildID([171, 205, 239]) prot 5 /usr/lib/libbuildid.so t2500",
        "sample event 0 100/101 t3000 ip 7f0000001234 cpu 1 chain [\"fffffffffffffe00\", \"7f0000001234\", \"7f0000002000\", \"555500001000\"]",
        "fork 200 from 100 t3500",
        "lost 7 of 11",
        "sample event 1 100/100 t4000 ip 7f0010000010 cpu 1 chain []",
        "exit 200 t5000",
    ]

    @Test(arguments: [PerfByteOrder.littleEndian, .bigEndian])
    func bothByteOrdersRead(_ order: PerfByteOrder) throws {
        let builder = Self.session(order)
        for (mode, bytes) in [("file", builder.fileBytes()), ("pipe", builder.pipeBytes())] {
            let (lines, reader) = try Self.read(try Self.write(bytes, "synthetic-\(order)-\(mode)"))
            #expect(lines == Self.expected, "\(order) \(mode)")
            #expect(reader.header.order == order)
            #expect(reader.events.attributes == [Self.attributes().0, Self.attributes().1])
            #expect(reader.statistics.unknownEventRecords == 1)
            #expect(reader.statistics.lostRecords == 7)
            #expect(reader.statistics.rounds == 2)
            #expect(reader.features.hostName == "synthetic" && reader.features.osRelease == "6.1.0-test")
            #expect(reader.features.commandLine == ["/usr/bin/perf", "record", "-g"])
            #expect(reader.features.clockData == PerfDataFeatures.ClockData(clockID: 1, wallClockTime: 1_700_000_000_000_000_000, clockTime: 123))
        }
    }

    /// A record older than one already handed on (a late round) is counted
    /// and handed on with the next flush, as perf does.
    @Test func lateRecordsAreCountedNotLost() throws {
        let (cycles, _) = Self.attributes()
        var builder = PerfDataBuilder(order: .littleEndian)
        builder.attributes = [(cycles, [11])]
        builder.records = [
            builder.sample(cycles, id: 11, ip: 1, pid: 1, tid: 1, time: 200),
            builder.sample(cycles, id: 11, ip: 2, pid: 1, tid: 1, time: 100),
            builder.finishedRound,
            builder.sample(cycles, id: 11, ip: 3, pid: 1, tid: 1, time: 300),
            builder.finishedRound,  // releases 100, 200
            builder.sample(cycles, id: 11, ip: 4, pid: 1, tid: 1, time: 150),  // late
            builder.finishedRound,
        ]
        let (lines, reader) = try Self.read(try Self.write(builder.fileBytes(), "synthetic-late"))
        #expect(lines.map { $0.split(separator: " ")[4] } == ["t100", "t200", "t150", "t300"])
        #expect(reader.statistics.outOfOrderRecords == 1)
    }

    /// Every prefix of a file, and of a pipe: no crash, and a clear error
    /// (or, for a prefix that still holds a whole file, its records).
    @Test func cutAnywhere() throws {
        let builder = Self.session(.littleEndian)
        for (mode, bytes) in [("file", builder.fileBytes()), ("pipe", builder.pipeBytes())] {
            var errors = 0
            var unclear: [String] = []
            // Every byte of the first 600 (headers, attributes, the first
            // records), then every 5th: a cut lands in each field of each record.
            for length in Array(0..<min(600, bytes.count)) + Array(stride(from: 600, to: bytes.count, by: 5)) {
                let path = try Self.write(Array(bytes.prefix(length)), "synthetic-cut")
                do {
                    _ = try Self.read(path)
                } catch let error as PerfDataError {
                    errors += 1
                    // Collected, not expected one by one: 2000 expectations cost seconds.
                    if !error.description.hasPrefix("perf.data byte ") || error.description.contains("\n") {
                        unclear.append(error.description)
                    }
                }
            }
            #expect(unclear.isEmpty)
            // A pipe cut between records is a shorter pipe; a file cut anywhere is damaged.
            #expect(errors >= 500, "\(mode)")
        }
    }

    static func readError(_ bytes: [UInt8]) throws -> String {
        do {
            _ = try Self.read(try Self.write(bytes, "synthetic-bad"))
        } catch let error as PerfDataError {
            return error.description
        }
        return "no error"
    }

    @Test func countsTooLargeAndLyingSampleTypes() throws {
        let (cycles, _) = Self.attributes()
        var builder = PerfDataBuilder(order: .littleEndian)
        builder.attributes = [(cycles, [11])]
        var good = builder.sample(cycles, id: 11, ip: 1, pid: 1, tid: 1, time: 5, callchain: [7, 8])
        // The call chain's nr claims 2^60 entries.
        var huge = good
        huge.replaceSubrange(56..<64, with: builder.u64(1 << 60))
        builder.records = [huge]
        #expect(try Self.readError(builder.fileBytes()).contains("a call chain's length 1152921504606846976 does not fit"))

        // The attribute says CALLCHAIN, the records have none.
        var lying = cycles
        lying.sampleType.remove(.callchain)
        builder.records = [builder.sample(lying, id: 11, ip: 1, pid: 1, tid: 1, time: 5)]
        #expect(try Self.readError(builder.fileBytes()).contains("SAMPLE record"))

        // The attribute says less than the records hold.
        builder.attributes = [(lying, [11])]
        builder.records = [good]
        #expect(try Self.readError(builder.fileBytes()).contains("holds 56 bytes of the fields its sample_type names"))

        // A sample_type bit no kernel has defined yet.
        var unknown = cycles
        unknown.sampleType.insert(PerfSampleType(rawValue: 1 << 40))
        builder.attributes = [(unknown, [11])]
        #expect(try Self.readError(builder.fileBytes()).contains("bits this reader does not know"))

        // A record whose size is smaller than its header.
        builder.attributes = [(cycles, [11])]
        good.replaceSubrange(6..<8, with: builder.u16(4))
        builder.records = [good]
        #expect(try Self.readError(builder.fileBytes()).contains("less than its header"))

        // An MMAP2 too short for its fields and trailer.
        builder.records = [builder.record(10, builder.u64(1))]
        #expect(try Self.readError(builder.fileBytes()).contains("MMAP2"))
    }

    @Test func damagedHeadersAndSections() throws {
        let builder = Self.session(.littleEndian)
        let bytes = builder.fileBytes()
        #expect(try Self.readError(Array("PERFFILE".utf8) + bytes.dropFirst(8)).contains("version 1"))
        #expect(try Self.readError(Array("hello, world\n".utf8)).contains("not a perf.data file"))
        var badSize = bytes
        badSize.replaceSubrange(8..<16, with: builder.u64(99))
        #expect(try Self.readError(badSize).contains("neither 104"))
        var badEntry = bytes
        badEntry.replaceSubrange(16..<24, with: builder.u64(100))
        #expect(try Self.readError(badEntry).contains("attribute"))
        // A file cut inside its data section: the records before the cut are
        // handed on, then the error says where.
        let dataOffset = Int(bytes.withUnsafeBytes { PerfBytes($0, order: .littleEndian).u64(40)! })
        let cut = try Self.write(Array(bytes.prefix(dataOffset + 150)), "synthetic-cut-data")
        let reader = try PerfDataReader(path: cut)
        var handed = 0
        #expect(throws: PerfDataError.self) { try reader.forEachRecord { _ in handed += 1 } }
        #expect(handed >= 1)
        #expect(reader.damage?.description.contains("the data section, which should end at byte") == true)
        // A kernel record in a pipe before any HEADER_ATTR.
        var pipe = PerfDataBuilder(order: .littleEndian)
        pipe.records = [builder.finishedRound, builder.sample(Self.attributes().0, id: 11, ip: 1, pid: 1, tid: 1, time: 1)]
        #expect(try Self.readError(pipe.pipeBytes()).contains("comes before any event attribute"))
        // Two events whose ids are in different places cannot be told apart.
        var mismatch = PerfDataBuilder(order: .littleEndian)
        var other = Self.attributes().1
        other.sampleType = [.ip, .tid, .time, .id]
        mismatch.attributes = [(Self.attributes().0, [1]), (other, [2])]
        #expect(try Self.readError(mismatch.fileBytes()).contains("put the sample id in different places"))
    }

    /// The CLI: a damaged perf.data is one line and status 4.
    @Test func damageIsOneLineWithStatus4() throws {
        var bytes = Self.session(.littleEndian).fileBytes()
        bytes.replaceSubrange(16..<24, with: PerfDataBuilder(order: .littleEndian).u64(100))
        let path = try Self.write(bytes, "synthetic-cli")
        let recording = GoldenFileTests.directory.appendingPathComponent("clean.vmasnap").path
        let result = try CommandResult.run(["perf-resolve", path, recording])
        #expect(result.status == 4)
        #expect(result.standardError.hasPrefix("vmasnap: perf.data byte 32: the attribute section's") && result.standardError.split(separator: "\n").count == 1,
                "\(result.standardError)")
    }

    /// perf.data of another host, kernel and boot than the recording's: warnings, one line each.
    @Test func anotherMachineOrBootIsAWarning() throws {
        let path = try Self.write(Self.session(.bigEndian).fileBytes(), "synthetic-origin")
        let recording = GoldenFileTests.directory.appendingPathComponent("clean.vmasnap").path
        let result = try CommandResult.run(["perf-resolve", path, recording, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.lines.count == 3)
        let warnings = result.standardError.split(separator: "\n").filter { $0.hasPrefix("vmasnap: warning:") }
        #expect(warnings.contains { $0.contains("perf recorded on host \"synthetic\", the recording on \"golden\"") })
        #expect(warnings.contains { $0.contains("under kernel 6.1.0-test, the recording under 6.18.0") })
        #expect(warnings.contains { $0.contains("come from different boots") })
        #expect(warnings.contains { $0.contains("the kernel lost 7 records") })
        #expect(warnings.contains { $0.contains("1 records name no event") })
    }

    /// The attribute encoder writes what the decoder reads, for the kernel's struct.
    @Test func attributesRoundTrip() throws {
        var attribute = Self.attributes().0
        attribute.clockID = 1
        attribute.sampleMaxStack = 127
        attribute.flags.insert(.buildID)
        let bytes = attribute.encoded()
        #expect(bytes.count == 128)
        let decoded = try bytes.withUnsafeBytes { try PerfEventAttribute(decoding: $0, order: .native) }
        #expect(decoded == attribute)
        // As perf writes it into a file, in either order.
        for order in [PerfByteOrder.littleEndian, .bigEndian] {
            let file = PerfDataBuilder(order: order).attributeBytes(attribute)
            #expect(try file.withUnsafeBytes { try PerfEventAttribute(decoding: $0, order: order) } == attribute)
        }
    }
}
