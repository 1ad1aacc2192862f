import Testing
import Foundation
@testable import VMASnap

/// The kernel writes one MMAP2 record for every event that watches an mmap,
/// from one header it shares between them: an event with `build_id` sets
/// the header's build-ID flag (misc 0x4000) and nothing clears it, so every
/// event after it in the kernel's walk (CPU-wide events come before a
/// task's own) gets the flag on a record whose body is the device and
/// inode (perf_event_mmap_output, seen on 6.18). perf 6.1 then reads the
/// major device number as a build-ID length and overflows its stack. The
/// recorder asks for no build IDs, and decodes the flag only for an event
/// that asked for them.
@Suite struct MmapBuildIDFlagTests {
    /// The rule itself, on one record: the flag on a device-and-inode body
    /// (the major device number where a build ID's length would be) is read
    /// as device and inode for an event without `build_id`; a true build-ID
    /// body is read as the build ID for an event with it.
    @Test func theFlagIsReadOnlyForAnEventThatAskedForBuildIDs() throws {
        var attribute = PerfEventAttribute(type: 1, config: 9, size: 128)
        attribute.sampleType = [.identifier, .tid, .time]
        attribute.flags = [.sampleIDAll, .mmap, .mmap2]
        let builder = PerfDataBuilder(order: .native)
        var leaked = builder.mmap2(attribute, id: 7, pid: 10, tid: 10, start: 0x7f00_0000_0000, length: 0x1000, pageOffset: 0,
                                   filename: "/usr/lib/libleaked.so", time: 5)
        leaked[4] |= UInt8(PerfRecordMisc.mmapBuildID & 0xFF)
        leaked[5] |= UInt8(PerfRecordMisc.mmapBuildID >> 8)
        let plain = try PerfRecordDecoder(attribute: attribute)
        guard case .mmap(let mapping) = try leaked.withUnsafeBytes({ try plain.event(PerfBytes($0, order: .native)) }) else {
            Issue.record("not decoded as an mmap")
            return
        }
        #expect(mapping.misc.has(PerfRecordMisc.mmapBuildID))
        #expect(mapping.identity == .inode(major: 0xfe, minor: 1, inode: 1234, generation: 0))

        attribute.flags.insert(.buildID)
        let asking = try PerfRecordDecoder(attribute: attribute)
        let genuine = builder.mmap2(attribute, id: 7, pid: 10, tid: 10, start: 0x7f00_0000_0000, length: 0x1000, pageOffset: 0,
                                    filename: "/usr/lib/libgenuine.so", time: 5, buildID: [1, 2, 3, 4])
        guard case .mmap(let withID) = try genuine.withUnsafeBytes({ try asking.event(PerfBytes($0, order: .native)) }) else {
            Issue.record("not decoded as an mmap")
            return
        }
        #expect(withID.identity == .buildID([1, 2, 3, 4]))
    }

    /// Whether CPU-wide tracking events open here.
    static let systemWidePermitted = TrackingPermissions.probe(.systemWide).systemWide.isPermitted

    /// The MMAP2 records of `library` a session read, waiting up to 5 s.
    static func mappings(of library: String, in session: TrackingSession) -> [VMASnap.PerfMmapEvent] {
        var found: [VMASnap.PerfMmapEvent] = []
        let deadline = Date().addingTimeInterval(5)
        while found.isEmpty, Date() < deadline {
            session.wait(milliseconds: 50)
            found += session.drain().compactMap(\.mapping).filter { String(decoding: $0.filename, as: UTF8.self) == library }
        }
        return found
    }

    /// A process's session beside a CPU-wide one with build IDs (another
    /// profiler with `--buildid-mmap -a`): its records of a dlopen (of a
    /// system library, whose ELF header ld.so has just read, so that the
    /// kernel has its build ID) carry the leaked flag on this kernel, and
    /// are still read as device and inode, the file's own; the other
    /// session's are the file's build ID.
    @Test(.enabled(if: MmapBuildIDFlagTests.systemWidePermitted))
    func aFlagLeakedFromAnotherEventIsReadAsDeviceAndInode() throws {
        let library = try #require(realpath("/lib/x86_64-linux-gnu/libz.so.1", nil).map { path in
            defer { free(path) }
            return String(cString: path)
        })
        var status = stat()
        #expect(stat(library, &status) == 0)
        let image = try Data(contentsOf: URL(fileURLWithPath: library))
        let buildID = try #require(ELFBuildIDReader.buildID(in: Array(image)))
        let fixture = try FixtureProcess()
        let withBuildIDs = try TrackingSession(target: .systemWide, options: TrackingOptions(buildIDs: true, bufferPages: 256))
        let session = try TrackingSession(target: .processes([fixture.pid]))
        _ = try fixture.dlopen(library)

        let ours = Self.mappings(of: library, in: session)
        let theirs = Self.mappings(of: library, in: withBuildIDs).filter { $0.pid == fixture.pid }
        fixture.kill()
        #expect(!ours.isEmpty && !theirs.isEmpty)
        let leaked = ours.filter { $0.misc.has(PerfRecordMisc.mmapBuildID) }.count
        print("leaked build-ID flag: \(leaked) of \(ours.count) records")
        let device = DeviceNumber(encoded: UInt64(status.st_dev))
        for mapping in ours {
            #expect(mapping.identity == .inode(major: device.major, minor: device.minor, inode: UInt64(status.st_ino),
                                               generation: generation(of: mapping)), "\(mapping.identity)")
        }
        for mapping in theirs {
            #expect(mapping.identity == .buildID(buildID.bytes), "\(mapping.identity)")
        }
    }

    /// The generation the record gave (the file's, which stat does not show).
    private func generation(of mapping: VMASnap.PerfMmapEvent) -> UInt64 {
        if case .inode(_, _, _, let generation) = mapping.identity { return generation }
        return 0
    }

    /// perf's MMAP2 records in `path`, and how many carry the build-ID flag.
    static func flaggedMmaps(_ path: String) throws -> (mmaps: Int, flagged: Int) {
        let reader = try PerfDataReader(path: path)
        var mmaps = 0
        var flagged = 0
        try reader.forEachRecord { record in
            guard record.header.type == .mmap2 else { return }
            mmaps += 1
            if record.header.misc.has(PerfRecordMisc.mmapBuildID) { flagged += 1 }
        }
        return (mmaps, flagged)
    }

    /// `vmasnap record -a` running while `perf record` profiles a program
    /// that loads a library: perf's MMAP2 records are as the kernel meant
    /// them for perf's event (no build-ID flag: perf asked for none), and
    /// perf reads its file back.
    @Test(.enabled(if: MmapBuildIDFlagTests.systemWidePermitted && PerfEndToEndTests.perfWorks))
    func aSystemWideRecordingLeavesPerfsRecordsIntact() throws {
        let directory = try PerfSessions.directory("leak")
        let file = directory.appendingPathComponent("all.vmasnap").path
        let recorder = try BackgroundCommand(["record", "-a", "-o", file])
        #expect(eventually(seconds: 60) { ((try? RecordingReader(path: file))?.summary.rounds ?? 0) >= 1 })
        let perfData = try PerfSessions.record("leak", options: ["-k", "CLOCK_MONOTONIC"], milliseconds: 50)
        recorder.signal(SIGINT)
        #expect(recorder.finish().status == 0)

        let (mmaps, flagged) = try Self.flaggedMmaps(perfData)
        #expect(mmaps >= 3, "the fixture, ld.so, libc and the library")
        #expect(flagged == 0, "\(flagged) of perf's \(mmaps) MMAP2 records carry a build-ID flag perf did not ask for")
        let script = try CommandResult.run(["script", "-i", perfData, "--show-mmap-events"], executable: PerfSessions.perf)
        #expect(script.status == 0, "\(script.standardError)")
    }

    /// `perf record -- vmasnap record -- PROGRAM`: the recorder's events on
    /// its command come after perf's inherited ones, so the kernel serves
    /// them first. At the defaults perf's records of the program are intact;
    /// with `--kernel-build-ids` they get the flag, as its help warns (only
    /// this perf session is touched: the recorder's events see only its
    /// command's mmaps, and CPU-wide events are served before them).
    @Test(.enabled(if: PerfEndToEndTests.perfWorks), arguments: [false, true])
    func kernelBuildIDsMarkTheRecordsOfAProfilerAroundTheRecorder(kernelBuildIDs: Bool) throws {
        let maps = try PerfSessions.directory("around").appendingPathComponent("maps.vmasnap").path
        let perfData = try PerfSessions.record("around", options: ["-k", "CLOCK_MONOTONIC"], command: [
            BuildProducts.vmasnap, "record", "-o", maps] + (kernelBuildIDs ? ["--kernel-build-ids"] : []) + [
            "--", BuildProducts.fixture, "--script", "dlopen \(PerfSessions.library); spin 0 50; dlclose 0"])
        let (mmaps, flagged) = try Self.flaggedMmaps(perfData)
        #expect(mmaps >= 3)
        if kernelBuildIDs {
            #expect(flagged > 0, "no record of perf's carries the flag --kernel-build-ids' help warns of")
        } else {
            #expect(flagged == 0, "\(flagged) of perf's \(mmaps) MMAP2 records carry a build-ID flag perf did not ask for")
        }
    }
}
