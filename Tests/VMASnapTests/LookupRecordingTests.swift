import Testing
import Foundation
@testable import VMASnap

/// Lookups, timeline and diff against a real recording of the fixture made
/// by `vmasnap record`, whose load and unload times and code addresses the
/// fixture reports. The recording is made once and shared by the tests.
@Suite struct LookupRecordingTests {
    /// What the fixture did and when (CLOCK_MONOTONIC ns, the recording's clock).
    struct Scenario {
        var recording: String
        var pid: Int32
        var libraryA: String
        var libraryB: String
        /// liba, dlopen'ed: its r-x segment and fixture_entry.
        var dlopened: FixtureProcess.LoadedLibrary
        var dlopenSent: Int64
        var dlcloseSent: Int64
        var dlclosed: Int64
        /// The fixed address where libb, then liba, were mapped whole (offset 0).
        var fixedAddress: UInt64
        var fixedBEnd: UInt64
        var fixedAEnd: UInt64
        var fixedBMapped: Int64
        var swapped: Int64
        var exitSent: Int64
        var histories: [ProcessHistory]
        var start: Int64

        var history: ProcessHistory { histories.first { $0.process.identity.pid == pid }! }
    }

    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    static let fixedAddress: UInt64 = 0x6000_0000_0000

    static let scenario = Result<Scenario, Error> {
        let libraryA = try TestLibraries.build(name: "lookup-a", buildID: "a0a0a0a0a0a0a0a0", seed: 3)
        // Larger than liba, so that the two differ in size at the same address.
        let libraryB = try TestLibraries.build(name: "lookup-b", buildID: "b1b1b1b1b1b1b1b1b1b1b1b1", seed: 4, padding: 300)
        let recording = TestLibraries.directory.appendingPathComponent("lookup-\(UUID().uuidString).vmasnap").path
        let fixture = try FixtureProcess(
            executable: BuildProducts.vmasnap,
            // Walks alone: the statuses of changes between two walks (with
            // events, each change is dated by its event: RecorderEventsTests).
            arguments: ["record", "--events", "off", "-o", recording, "--interval", "10ms", "--", BuildProducts.fixture])
        let pid = Int32(try fixture.send("ping")[0])!
        try fixture.send("sleep 150")
        let dlopenSent = now()
        let dlopened = try fixture.dlopen(libraryA)
        try fixture.send("sleep 150")
        let dlcloseSent = now()
        let dlclosed = Int64(try fixture.send("dlclose \(dlopened.handle)")[0])!
        try fixture.send("sleep 150")
        let fixed = fixedAddress
        let mappedB = try fixture.send("mmap \(libraryB) \(AddressText.format(fixed))")
        try fixture.send("sleep 150")
        let fixedBEnd = AddressText.parse(mappedB[1])!
        try fixture.send("munmap \(AddressText.format(fixed)) \(AddressText.format(fixedBEnd))")
        let mappedA = try fixture.send("mmap \(libraryA) \(AddressText.format(fixed))")
        try fixture.send("sleep 150")
        let exitSent = now()
        fixture.sendWithoutAnswer("exit")
        fixture.process.waitUntilExit()
        guard AddressText.parse(mappedB[0]) == fixed, AddressText.parse(mappedA[0]) == fixed else {
            throw FixtureError(command: "mmap at \(AddressText.format(fixed))", answer: "\(mappedB) \(mappedA)")
        }
        let reader = try RecordingReader(path: recording)
        return Scenario(
            recording: recording, pid: pid, libraryA: libraryA, libraryB: libraryB, dlopened: dlopened,
            dlopenSent: dlopenSent, dlcloseSent: dlcloseSent, dlclosed: dlclosed, fixedAddress: fixed,
            fixedBEnd: fixedBEnd, fixedAEnd: AddressText.parse(mappedA[1])!, fixedBMapped: Int64(mappedB[2])!,
            swapped: Int64(mappedA[2])!, exitSent: exitSent, histories: try reader.histories(), start: reader.header.start)
    }

    /// The file offset of `fixture_entry` in `library`, from its ELF symbol
    /// and program headers (readelf and nm), independently of vmasnap.
    static func entryFileOffset(_ library: String) throws -> UInt64 {
        let symbols = try CommandResult.run(["-D", library], executable: "/usr/bin/nm").standardOutput
        let line = symbols.split(separator: "\n").first { $0.hasSuffix(" fixture_entry") }!
        let address = UInt64(line.split(separator: " ")[0], radix: 16)!
        let headers = try CommandResult.run(["-lW", library], executable: "/usr/bin/readelf").standardOutput
        for header in headers.split(separator: "\n") where header.contains("LOAD") {
            let fields = header.split(separator: " ")
            let offset = UInt64(fields[1].dropFirst(2), radix: 16)!
            let virtual = UInt64(fields[2].dropFirst(2), radix: 16)!
            let size = UInt64(fields[5].dropFirst(2), radix: 16)!
            if address >= virtual && address < virtual + size { return address - virtual + offset }
        }
        throw FixtureError(command: "readelf \(library)", answer: "no segment holds fixture_entry")
    }

    /// Positions of the epochs that hold a mapping of `path` starting at `start`.
    static func epochs(_ history: ProcessHistory, holding path: String, at start: UInt64) -> [Int] {
        history.epochs.indices.filter { history.epochs[$0].mappings.contains { $0.start == start && $0.path == MappedPath(path) } }
    }

    @Test func exactAnswersGiveTheFileOffsetOfTheSymbol() throws {
        let scenario = try LookupRecordingTests.scenario.get()
        let index = AddressIndex(histories: scenario.histories)
        let a = scenario.dlopened
        let answer = index.resolve(pid: scenario.pid, time: a.time + 75_000_000, address: a.code)
        #expect(answer.status == .exact)
        let mapping = try #require(index.mapping(of: answer))
        #expect(mapping.path == MappedPath(scenario.libraryA))
        #expect(mapping.buildID == BuildID(hex: "a0a0a0a0a0a0a0a0"))
        #expect(mapping.start == a.start && mapping.end == a.end)
        #expect(answer.fileOffset == (try LookupRecordingTests.entryFileOffset(scenario.libraryA)))

        // libb mapped whole (offset 0) at the fixed address.
        let offsetB = try LookupRecordingTests.entryFileOffset(scenario.libraryB)
        let b = index.resolve(pid: scenario.pid, time: scenario.fixedBMapped + 75_000_000, address: scenario.fixedAddress + offsetB)
        #expect(b.status == .exact && b.fileOffset == offsetB)
        #expect(index.mapping(of: b)?.buildID == BuildID(hex: "b1b1b1b1b1b1b1b1b1b1b1b1"))
        // Then liba at the same address.
        let offsetA = try LookupRecordingTests.entryFileOffset(scenario.libraryA)
        let c = index.resolve(pid: scenario.pid, time: scenario.swapped + 75_000_000, address: scenario.fixedAddress + offsetA)
        #expect(c.status == .exact && c.fileOffset == offsetA && index.mapping(of: c)?.path == MappedPath(scenario.libraryA))
    }

    @Test func loadedAndUnloadedBetweenSnapshots() throws {
        let scenario = try LookupRecordingTests.scenario.get()
        let history = scenario.history
        let index = AddressIndex(histories: scenario.histories)
        let a = scenario.dlopened
        let holding = LookupRecordingTests.epochs(history, holding: scenario.libraryA, at: a.start)
        let first = try #require(holding.first)
        let last = try #require(holding.last)
        #expect(holding == Array(first...last))
        // The recorder saw liba only after dlopen was asked for, and saw it
        // gone only after dlclose was.
        #expect(first > 0 && history.epochs[first].firstSeen >= scenario.dlopenSent)
        #expect(history.epochs[first - 1].lastSeen < a.time)
        #expect(last + 1 < history.epochs.count && history.epochs[last + 1].firstSeen >= scenario.dlcloseSent)

        // Between the last snapshot without liba and the first with it.
        let loaded = index.resolve(pid: scenario.pid, time: history.epochs[first - 1].lastSeen, address: a.code)
        #expect(loaded.status == .loadedBetween && index.mapping(of: loaded)?.path == MappedPath(scenario.libraryA))
        #expect(loaded.fileOffset == (try LookupRecordingTests.entryFileOffset(scenario.libraryA)))
        let loadedLate = index.resolve(pid: scenario.pid, time: history.epochs[first].firstSeen - 1, address: a.code)
        #expect(loadedLate.status == .loadedBetween)

        // Between the last snapshot with liba and the first without it.
        let unloaded = index.resolve(pid: scenario.pid, time: history.epochs[last].lastSeen, address: a.code)
        #expect(unloaded.status == .unloadedBetween && index.mapping(of: unloaded)?.path == MappedPath(scenario.libraryA))
        #expect(index.resolve(pid: scenario.pid, time: history.epochs[last + 1].firstSeen, address: a.code).status == .unmapped)
        #expect(index.resolve(pid: scenario.pid, time: scenario.dlclosed + 75_000_000, address: a.code).status == .unmapped)
    }

    @Test func anotherLibraryAtTheSameAddress() throws {
        let scenario = try LookupRecordingTests.scenario.get()
        let history = scenario.history
        let index = AddressIndex(histories: scenario.histories)
        let x = scenario.fixedAddress
        #expect(scenario.fixedAEnd < scenario.fixedBEnd)  // libb is the larger
        let withB = LookupRecordingTests.epochs(history, holding: scenario.libraryB, at: x)
        let withA = LookupRecordingTests.epochs(history, holding: scenario.libraryA, at: x)
        let lastB = try #require(withB.last)
        let firstA = try #require(withA.first)
        #expect(firstA > lastB)
        let offsetB = try LookupRecordingTests.entryFileOffset(scenario.libraryB)
        let offsetA = try LookupRecordingTests.entryFileOffset(scenario.libraryA)

        // From libb's last snapshot on: libb's answer, flagged; never liba's.
        let time = history.epochs[lastB].lastSeen
        let old = index.resolve(pid: scenario.pid, time: time, address: x + offsetB)
        #expect(old.status == .unloadedBetween && index.mapping(of: old)?.path == MappedPath(scenario.libraryB))
        #expect(old.fileOffset == offsetB)
        // Past liba's end, inside libb's: libb was there, and is gone or replaced by then.
        let tail = index.resolve(pid: scenario.pid, time: time, address: scenario.fixedAEnd + 0x10)
        #expect(tail.status == .unloadedBetween)

        if firstA == lastB + 1 {
            // No snapshot fell between munmap and mmap: S1 has liba where S0
            // had libb. liba overlaps libb, so it is never "loaded-between".
            let address = x + offsetA
            let answer = index.resolve(pid: scenario.pid, time: time, address: address)
            #expect(answer.status == .unloadedBetween && index.mapping(of: answer)?.path == MappedPath(scenario.libraryB))
        } else {
            // A snapshot saw the address empty in between: liba then arrives
            // over nothing, so it is "loaded-between".
            let answer = index.resolve(pid: scenario.pid, time: history.epochs[firstA - 1].lastSeen, address: x + offsetA)
            #expect(answer.status == .loadedBetween && index.mapping(of: answer)?.path == MappedPath(scenario.libraryA))
        }
        let after = index.resolve(pid: scenario.pid, time: history.epochs[firstA].firstSeen, address: x + offsetA)
        #expect(after.status == .exact && after.fileOffset == offsetA && index.mapping(of: after)?.path == MappedPath(scenario.libraryA))
        #expect(index.resolve(pid: scenario.pid, time: history.epochs[firstA].firstSeen, address: scenario.fixedAEnd + 0x10).status == .unmapped)
    }

    @Test func statusesWithoutAnAnswer() throws {
        let scenario = try LookupRecordingTests.scenario.get()
        let history = scenario.history
        let index = AddressIndex(histories: scenario.histories)
        let a = scenario.dlopened
        #expect(index.resolve(pid: scenario.pid, time: history.epochs[0].firstSeen - 1, address: a.code).status == .beforeFirstSnapshot)
        let gone = try #require(history.goneTime)
        #expect(gone >= scenario.exitSent)
        #expect(index.resolve(pid: scenario.pid, time: gone, address: a.code).status == .afterExit)
        // Between the last snapshot and the moment it was found gone: still answered.
        let last = history.epochs[history.epochs.count - 1].lastSeen
        #expect(last < gone)
        #expect(index.resolve(pid: scenario.pid, time: last, address: scenario.fixedAddress).status == .exact)
        #expect(index.resolve(pid: Int32.max, time: last, address: a.code).status == .unknownPID)
        #expect(index.resolve(pid: scenario.pid, time: last, address: 0xffff_ffff_8100_0000).status == .kernel)
        #expect(index.resolve(pid: scenario.pid, time: last, address: 0x1000).status == .unmapped)
    }

    @Test func timelineShowsEachLoadAndUnloadInOrder() throws {
        let scenario = try LookupRecordingTests.scenario.get()
        let events = scenario.history.timeline.filter {
            $0.mapping.path == MappedPath(scenario.libraryA) || $0.mapping.path == MappedPath(scenario.libraryB)
        }.filter { $0.mapping.permissions.contains(.execute) }
        let summary = events.map { "\($0.kind) \($0.mapping.path == MappedPath(scenario.libraryA) ? "a" : "b") \($0.mapping.start == scenario.fixedAddress ? "fixed" : "dlopen")" }
        #expect(summary == ["load a dlopen", "unload a dlopen", "load b fixed", "unload b fixed", "load a fixed"])
        #expect(events[0].time >= scenario.dlopenSent && events[0].time < scenario.dlcloseSent)
        #expect(events[1].time >= scenario.dlcloseSent)
        #expect(events[2].time > events[1].time && events[3].time >= events[2].time && events[4].time >= events[3].time)
        #expect(events[4].time <= scenario.history.goneTime!)
    }

    @Test func commandLineLookupTimelineAndDiff() throws {
        let scenario = try LookupRecordingTests.scenario.get()
        let index = AddressIndex(histories: scenario.histories)
        let a = scenario.dlopened
        let time = a.time + 75_000_000
        let seconds = TimeText.format(nanoseconds: time)

        let result = try CommandResult.run(["lookup", scenario.recording, "--pid", "\(scenario.pid)", "--time", seconds,
                                            AddressText.format(a.code), "1000", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let offset = try LookupRecordingTests.entryFileOffset(scenario.libraryA)
        var expected = JSONWriter()
        expected.beginObject()
        expected.integer("pid", scenario.pid)
        expected.number("time", literal: seconds)
        expected.string("address", AddressText.format(a.code))
        expected.string("status", "exact")
        expected.bytes("path", Array(scenario.libraryA.utf8))
        expected.string("file_offset", AddressText.format(offset))
        expected.string("build_id", "a0a0a0a0a0a0a0a0")
        expected.string("start", AddressText.format(a.start))
        expected.string("end", AddressText.format(a.end))
        expected.endObject()
        #expect(result.lines == [
            expected.string,
            "{\"pid\":\(scenario.pid),\"time\":\(seconds),\"address\":\"0x1000\",\"status\":\"unmapped\",\"path\":null,\"file_offset\":null,\"build_id\":null,\"start\":null,\"end\":null}",
        ])

        // Text, with the time relative to the recording's start.
        let relative = "+" + TimeText.format(nanoseconds: time - scenario.start)
        let text = try CommandResult.run(["lookup", scenario.recording, "-p", "\(scenario.pid)", "--time", relative, AddressText.format(a.code)])
        #expect(text.lines == ["\(scenario.pid) \(seconds) \(AddressText.format(a.code)) exact \(AddressText.format(offset)) a0a0a0a0a0a0a0a0 \(scenario.libraryA)"])

        // --stdin agrees with the index, line for line.
        let history = scenario.history
        var queries: [LookupQuery] = []
        for epoch in history.epochs {
            for time in [epoch.firstSeen - 1, epoch.firstSeen, epoch.lastSeen] {
                queries.append(LookupQuery(pid: scenario.pid, time: time, address: a.code))
                queries.append(LookupQuery(pid: scenario.pid, time: time, address: scenario.fixedAddress + 0x1000))
            }
        }
        let input = queries.map { "\($0.pid) \(TimeText.format(nanoseconds: $0.time)) \(String($0.address, radix: 16))" }.joined(separator: "\n")
        let batch = try CommandResult.run(["lookup", scenario.recording, "--stdin"], input: "# pid time address\n" + input + "\n")
        #expect(batch.status == 0)
        let statuses = batch.lines.map { String($0.split(separator: " ")[3]) }
        #expect(statuses == index.resolve(queries).map { $0.status.description })
        #expect(Set(statuses).isSuperset(of: ["exact", "loaded-between", "unloaded-between", "unmapped", "before-first-snapshot"]))

        // Bad input: one line naming it, status 1, the answers before it printed.
        let bad = try CommandResult.run(["lookup", scenario.recording, "--stdin"], input: "\(scenario.pid) 1.0 10\n1 2\n")
        #expect(bad.status == 1 && bad.lines.count == 1)
        #expect(bad.standardError.hasPrefix("vmasnap: line 2: expected 3 fields") && bad.standardError.split(separator: "\n").count == 1)

        // timeline --json: liba's load at the time of the first snapshot that saw it.
        let timeline = try CommandResult.run(["timeline", scenario.recording, "--pid", "\(scenario.pid)", "--json"])
        let load = try #require(history.timeline.first { $0.mapping.path == MappedPath(scenario.libraryA) && $0.kind == .load })
        #expect(timeline.lines.contains {
            $0.contains("\"time\":\(TimeText.format(nanoseconds: load.time)),\"event\":\"load\"") && $0.contains(scenario.libraryA)
                && $0.contains("\"start\":\"\(AddressText.format(a.start))\"")
        })
        #expect(timeline.lines.count == history.timeline.count)

        // diff across the dlopen: liba's segments added, nothing removed.
        let diff = try CommandResult.run(["diff", scenario.recording, "--from", TimeText.format(nanoseconds: scenario.dlopenSent - 1),
                                          "--to", TimeText.format(nanoseconds: a.time + 75_000_000), "--pid", "\(scenario.pid)"])
        #expect(diff.status == 0)
        #expect(diff.lines.first?.hasPrefix("pid \(scenario.pid) ") == true)
        #expect(diff.lines.dropFirst().contains { $0.hasPrefix("  + \(AddressText.format(a.start))-\(AddressText.format(a.end)) ") && $0.hasSuffix(scenario.libraryA) })
        #expect(!diff.lines.contains { $0.hasPrefix("  - ") })

        // Not a recording.
        let notRecording = try CommandResult.run(["timeline", scenario.libraryA])
        #expect(notRecording.status == 4 && notRecording.standardError.hasPrefix("vmasnap: "))
    }
}
