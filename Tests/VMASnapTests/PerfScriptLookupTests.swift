import Testing
import Foundation
@testable import VMASnap

/// perf script text, real (perf 6.1 on this machine), resolved against a
/// history built from perf's own MMAP2 records of the same session, as a
/// recorder snapshotting every millisecond would have seen them.
@Suite struct PerfScriptLookupTests {
    static let pid: Int32 = 15213

    static func events() throws -> [PerfMmapEvent] {
        PerfMmapEvent.all(in: try PerfScriptSamples.text("mmap2-events.txt"))
    }

    /// Snapshots every millisecond from the first MMAP2 record to past the last
    /// sample; each holds what perf's records say was mapped then.
    static func index(_ events: [PerfMmapEvent]) -> AddressIndex {
        var snapshots: [(Int64, [ExecutableMapping])] = []
        var time = events[0].time
        while time < 964_500_000_000 {
            var state: [PerfMmapEvent] = []
            for event in events where event.time <= time {
                state.removeAll { $0.start < event.end && event.start < $0.end }
                state.append(event)
            }
            snapshots.append((time, state.sorted { $0.start < $1.start }.map {
                .test($0.start, $0.end, offset: $0.pageOffset, path: $0.path)
            }))
            time += 1_000_000
        }
        return AddressIndex(histories: [.fromSnapshots(pid: pid, snapshots)])
    }

    static func resolve(_ text: String, index: AddressIndex, mode: CallchainAddressMode) throws
        -> (answers: [PerfScriptAnswer], foundRelative: Bool)
    {
        var lookup = PerfScriptLookup(index: index, mode: mode)
        var answers: [PerfScriptAnswer] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            try lookup.read(line: Array(line.utf8)) { answers.append($0) }
        }
        try lookup.finish { answers.append($0) }
        return (answers, lookup.foundRelativeFrames)
    }

    @Test func sampleIPsResolveToPerfsOwnFileAndOffset() throws {
        let events = try PerfScriptLookupTests.events()
        let index = PerfScriptLookupTests.index(events)
        let (answers, _) = try PerfScriptLookupTests.resolve(try PerfScriptSamples.text("no-callchain.txt"), index: index, mode: .auto)
        #expect(answers.count == 24)
        var exactPaths = Set<String>()
        for answer in answers {
            let perf = PerfMmapEvent.answer(events, pid: answer.pid, time: answer.time, address: answer.address)
            let mapping = index.mapping(of: answer.resolution)
            if answer.address >= 0xffff_8000_0000_0000 {
                #expect(answer.resolution.status == .kernel)
            } else if answer.resolution.status == .exact, let mapping {
                // "exact" is never wrong.
                #expect(mapping.path.lossyString == perf?.path)
                #expect(answer.resolution.fileOffset == perf.map { answer.address - $0.start + $0.pageOffset })
                exactPaths.insert(mapping.path.lossyString)
            } else {
                #expect(answer.resolution.status != .relative)
            }
        }
        #expect(exactPaths.isSuperset(of: ["/tmp/lk/liba.so", "/tmp/lk/libb.so"]))
    }

    @Test func relativeFramesOfPerf61AreNeverResolved() throws {
        let index = PerfScriptLookupTests.index(try PerfScriptLookupTests.events())
        for mode in [CallchainAddressMode.auto, .relative] {
            let (answers, found) = try PerfScriptLookupTests.resolve(try PerfScriptSamples.text("callchain-ip.txt"), index: index, mode: mode)
            #expect(found == (mode == .auto))
            #expect(answers.allSatisfy { $0.isFrame })
            for answer in answers {
                if answer.address >= 0xffff_8000_0000_0000 {
                    #expect(answer.resolution.status == .kernel)
                } else {
                    // Without the dso field nothing tells an "[unknown]" address apart: all are relative.
                    #expect(answer.resolution.status == .relative && answer.resolution.mappingID == nil)
                }
            }
        }
    }

    @Test func unknownFramesAreAddressesEvenInRelativeChains() throws {
        let index = PerfScriptLookupTests.index(try PerfScriptLookupTests.events())
        let text = try PerfScriptSamples.text("callchain-sym-dso.txt")
        let (answers, found) = try PerfScriptLookupTests.resolve(text, index: index, mode: .auto)
        #expect(found)
        let frameLines = text.split(separator: "\n").filter { $0.hasPrefix("\t") }
        #expect(answers.count == frameLines.count)
        for (answer, line) in zip(answers, frameLines) {
            if line.hasSuffix("([unknown])") {
                #expect(answer.resolution.status != .relative)
                #expect(answer.resolution.mappingID == nil)  // perf found nothing there; neither do we
            } else if line.hasSuffix("([kernel.kallsyms])") {
                #expect(answer.resolution.status == .kernel)
            } else {
                #expect(answer.resolution.status == .relative)
            }
        }
    }

    /// The same chains as a perf that prints addresses would: each
    /// attributed frame turned back into its address from perf's MMAP2
    /// record of the named file.
    @Test func absoluteFramesResolveToTheDSOAndOffsetPerfNamed() throws {
        let events = try PerfScriptLookupTests.events()
        let index = PerfScriptLookupTests.index(events)
        var converted: [String] = []
        var expected: [(path: String, offset: UInt64)?] = []
        var time: Int64 = 0
        for line in try PerfScriptSamples.text("callchain-sym-dso.txt").split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("\t") else {
                if let field = line.split(separator: " ").first(where: { $0.hasSuffix(":") }) {
                    time = TimeText.parseSeconds(Array(field.dropLast().utf8)) ?? time
                }
                converted.append(String(line))
                continue
            }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let value = AddressText.parse(String(fields[0]))!
            let dso = line.hasSuffix(")") ? String(line[line.lastIndex(of: "(")!...].dropFirst().dropLast()) : ""
            guard dso.hasPrefix("/"),
                  let event = events.last(where: { $0.path == dso && $0.time <= time && value >= $0.pageOffset && value < $0.pageOffset + $0.length })
            else {
                converted.append(String(line))
                expected.append(nil)
                continue
            }
            let address = value - event.pageOffset + event.start
            converted.append("\t" + String(address, radix: 16) + " " + fields.dropFirst().joined(separator: " "))
            expected.append((dso, value))
        }
        let text = converted.joined(separator: "\n")
        #expect(expected.contains { $0?.path == "/tmp/lk/libb.so" } && expected.contains { $0?.path == "/tmp/lk/liba.so" })

        let (answers, found) = try PerfScriptLookupTests.resolve(text, index: index, mode: .auto)
        #expect(!found)
        #expect(answers.count == expected.count)
        var exact = 0
        for (answer, wanted) in zip(answers, expected) {
            guard let wanted else { continue }
            #expect(answer.resolution.status.hasMapping)
            if answer.resolution.status == .exact {
                exact += 1
                #expect(index.mapping(of: answer.resolution)?.path.lossyString == wanted.path)
                #expect(answer.resolution.fileOffset == wanted.offset)
            }
        }
        #expect(exact > 0)

        // Forced relative: the same addresses are not resolved.
        let (relative, _) = try PerfScriptLookupTests.resolve(text, index: index, mode: .relative)
        for (answer, wanted) in zip(relative, expected) where wanted != nil {
            #expect(answer.resolution.status == .relative)
        }
    }

    @Test func badLinesStopWithTheirNumber() throws {
        let index = PerfScriptLookupTests.index(try PerfScriptLookupTests.events())
        let text = "15213/15213   964.267259359:      7f972ef1d645\n15213/15213   964.2: zz\n"
        #expect(throws: InputError(line: 2, problem: .badAddress, text: Array("15213/15213   964.2: zz".utf8))) {
            _ = try PerfScriptLookupTests.resolve(text, index: index, mode: .auto)
        }
    }
}
