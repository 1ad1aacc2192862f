import Testing
import Foundation
import SystemPackage
@testable import VMASnap

@Suite struct PerfScriptParserTests {
    static func parseAll(_ text: String) throws -> [PerfScriptLine] {
        var parser = PerfScriptParser()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        if lines.last == [] { lines.removeLast() }
        return try lines.map { try parser.parse(line: $0) }
    }

    @Test func realSamplesWithoutCallChains() throws {
        let lines = try PerfScriptParserTests.parseAll(try PerfScriptSamples.text("no-callchain.txt"))
        #expect(lines.count == 24)
        guard case .sample(let first) = lines[0] else { Issue.record("not a sample: \(lines[0])"); return }
        // "15213/15213   964.267259359:      7f972ef1d645" (perf 6.1, -G)
        #expect(first == PerfScriptSample(pid: 15213, tid: 15213, time: 964_267_259_359, address: 0x7f97_2ef1_d645, dso: .absent))
        for line in lines {
            guard case .sample(let sample) = line else { Issue.record("not a sample: \(line)"); continue }
            #expect(sample.pid == 15213 && sample.address != nil)
        }
    }

    @Test func realSamplesWithCallChains() throws {
        let text = try PerfScriptSamples.text("callchain-ip.txt")
        let lines = try PerfScriptParserTests.parseAll(text)
        let samples = lines.compactMap { if case .sample(let s) = $0 { return s } else { return nil } }
        let frames = lines.compactMap { if case .frame(let f) = $0 { return f } else { return nil } }
        #expect(samples.count == 24)
        #expect(samples.allSatisfy { $0.address == nil })  // perf prints the ip as the chain's first frame
        #expect(frames.count == text.split(separator: "\n").filter { $0.hasPrefix("\t") }.count)
        #expect(frames.first == PerfScriptFrame(value: 0x14645, dso: .absent))
        #expect(frames.contains(PerfScriptFrame(value: 0xffff_ffff_8140_6eab, dso: .absent)))
        #expect(lines.filter { $0 == .blank }.count == 24)
    }

    @Test func realFramesWithSymbolsAndDSOs() throws {
        let lines = try PerfScriptParserTests.parseAll(try PerfScriptSamples.text("callchain-sym-dso.txt"))
        let frames = lines.compactMap { if case .frame(let f) = $0 { return f } else { return nil } }
        #expect(frames.first == PerfScriptFrame(value: 0x14645, dso: .named))  // handle_amd (ld-linux-x86-64.so.2)
        #expect(frames[1] == PerfScriptFrame(value: 0, dso: .unknown))  // 0 [unknown] ([unknown])
        #expect(frames.contains(PerfScriptFrame(value: 0x7f97_2ef3_d8a8, dso: .unknown)))
        #expect(frames.contains(PerfScriptFrame(value: 0x113a, dso: .named)))  // fixture_entry (/tmp/lk/liba.so)
    }

    @Test func variantsPerfPrints() throws {
        let cases: [(String, PerfScriptLine)] = [
            // comm, pid only, microseconds, event name, cpu, sym and dso, 0x prefix
            ("vmasnap-fixture 15213/15213   964.267259359:      7f972ef1e645",
             .sample(PerfScriptSample(pid: 15213, tid: 15213, time: 964_267_259_359, address: 0x7f97_2ef1_e645, dso: .absent))),
            (" 8907   689.928032317:      7fc08785cc1a",
             .sample(PerfScriptSample(pid: 8907, tid: nil, time: 689_928_032_317, address: 0x7fc0_8785_cc1a, dso: .absent))),
            (" 8907/8907    689.928032: ",
             .sample(PerfScriptSample(pid: 8907, tid: 8907, time: 689_928_032_000, address: nil, dso: .absent))),
            ("a b c 1/2 [001] 5.000000001: cpu-clock:ppp:  ffffffff8168b85a mod_memcg_lruvec_state ([kernel.kallsyms])",
             .sample(PerfScriptSample(pid: 1, tid: 2, time: 5_000_000_001, address: 0xffff_ffff_8168_b85a, dso: .named))),
            ("\t7fc08772b113 inner (/tmp/a b (deleted))", .frame(PerfScriptFrame(value: 0x7fc0_8772_b113, dso: .named))),
            ("\t    7fc08787b8a8 [unknown] ([unknown])", .frame(PerfScriptFrame(value: 0x7fc0_8787_b8a8, dso: .unknown))),
            ("   -1/-1    1.5:  0x10", .sample(PerfScriptSample(pid: -1, tid: -1, time: 1_500_000_000, address: 0x10, dso: .absent))),
            ("", .blank),
            ("   \t ", .blank),
            ("# ========", .ignored),
            (" 8907/8907   689.927783453: PERF_RECORD_MMAP2 8907/8907: [0x563826bf8000(0xd000) @ 0 fe:00 5325908 4006144961]: r-xp /x",
             .ignored),
        ]
        for (text, expected) in cases {
            var parser = PerfScriptParser()
            _ = try parser.parse(line: Array(" 1/1 1.0:".utf8))  // so that frames have a sample
            #expect(try parser.parse(line: Array(text.utf8)) == expected, "\(text)")
        }
    }

    @Test func garbageIsRejectedNamingTheLine() throws {
        let cases: [(String, InputError.Problem)] = [
            ("hello world", .missingTime),
            (" 1/1 12.5: zz", .badAddress),
            (" 1/1 12.5: 12345678901234567", .badAddress),
            (" x/1 12.5: 10", .badProcessID),
            ("12.5: 10", .badProcessID),
            (" 99999999999/1 12.5: 10", .badProcessID),
            (" 1/1 12.1234567891: 10", .missingTime),
            ("\tnothex", .badAddress),
        ]
        for (text, problem) in cases {
            var parser = PerfScriptParser()
            #expect(try parser.parse(line: Array(" 1/1 1.0: 10".utf8)) != .blank)
            #expect(try parser.parse(line: Array("".utf8)) == .blank)
            #expect(try parser.parse(line: Array(" 1/1 1.0:".utf8)) != .blank)
            do {
                _ = try parser.parse(line: Array(text.utf8))
                Issue.record("accepted \(text)")
            } catch let error as InputError {
                #expect(error.line == 4 && error.problem == problem, "\(text)")
                #expect(error.description.hasPrefix("line 4: "))
                #expect(!error.description.contains("\n"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        var fresh = PerfScriptParser()
        #expect(throws: InputError(line: 1, problem: .frameWithoutSample, text: Array("\t10".utf8))) {
            _ = try fresh.parse(line: Array("\t10".utf8))
        }
    }

    @Test func randomBytesNeverCrashTheParsers() {
        var random = SeededGenerator(seed: 4)
        let alphabet = Array(" \t/:.0123456789abcdefx()[]#+-\u{1}".utf8) + [0xff, 0xc3, 0x80, 0x0a]
        var perf = PerfScriptParser()
        var list = AddressListParser()
        var accepted = 0
        var outcomes = Outcomes()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<40, using: &random)
            let line = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
            let perfLine: String
            do {
                perfLine = "\(try perf.parse(line: line))"
                accepted += 1
            } catch {
                perfLine = "\(error)"
            }
            let listLine: String
            do {
                listLine = "\(String(describing: try list.parse(line: line)))"
            } catch {
                listLine = "\(error)"
            }
            outcomes.note(perfLine + " | " + listLine)
        }
        #expect(accepted > 0)
        #expect(outcomes.digest == "20000:a5bcbdf6", "\(outcomes.digest)\n\(outcomes.excerpt)")
    }

    @Test func addressListLines() throws {
        var parser = AddressListParser()
        #expect(try parser.parse(line: Array("1234 689.928032317 0x7fc08785cc1a".utf8))
                == AddressListParser.Entry(pid: 1234, time: .clock(689_928_032_317), address: 0x7fc0_8785_cc1a))
        #expect(try parser.parse(line: Array("\t1 +0.5\t7f00  ".utf8))
                == AddressListParser.Entry(pid: 1, time: .sinceStart(500_000_000), address: 0x7f00))
        #expect(try parser.parse(line: Array("# comment".utf8)) == nil)
        #expect(try parser.parse(line: Array("".utf8)) == nil)
        let bad: [(String, InputError.Problem)] = [
            ("1 2", .wrongFieldCount(2)), ("1 2 3 4", .wrongFieldCount(4)), ("x 1.0 10", .badProcessID),
            ("1 -1.0 10", .badTime), ("1 1.0.0 10", .badTime), ("1 +x 10", .badTime), ("1 1.0 0xg", .badAddress),
        ]
        for (text, problem) in bad {
            #expect(throws: InputError(line: parser.lineNumber + 1, problem: problem, text: Array(text.utf8))) {
                _ = try parser.parse(line: Array(text.utf8))
            }
        }
    }

    @Test func timesParseExactly() {
        #expect(TimeText.parseSeconds(Array("964.267259359".utf8)) == 964_267_259_359)
        #expect(TimeText.parseSeconds(Array("0.000000001".utf8)) == 1)
        #expect(TimeText.parseSeconds(Array("12".utf8)) == 12_000_000_000)
        #expect(TimeText.parseSeconds(Array("12.".utf8)) == nil)
        #expect(TimeText.parseSeconds(Array(".5".utf8)) == nil)
        #expect(TimeText.parseSeconds(Array("99999999999999999999".utf8)) == nil)
        #expect(TimeText.parseSeconds(Array("9223372037".utf8)) == nil)  // overflows Int64 nanoseconds
        #expect(TimeText.format(nanoseconds: 964_267_259_359) == "964.267259359")
        #expect(LookupTime("+1.25")?.nanoseconds(start: 1_000) == 1_250_001_000)
    }

    @Test func lineReaderSplitsLinesAndBoundsThem() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = "first\n\nthird without newline"
        _ = text.utf8CString.withUnsafeBufferPointer { write(fds[1], $0.baseAddress, $0.count - 1) }
        close(fds[1])
        var lines: [String] = []
        try LineReader(descriptor: FileDescriptor(rawValue: fds[0])).forEachLine { line, number in
            lines.append("\(number):" + String(decoding: line, as: UTF8.self))
        }
        close(fds[0])
        #expect(lines == ["1:first", "2:", "3:third without newline"])

        let path = TestLibraries.directory.appendingPathComponent("long-line.txt").path
        try (String(repeating: "a", count: LineReader.maximumLineLength + 10) + "\nx\n").write(toFile: path, atomically: true, encoding: .utf8)
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        #expect(throws: InputError.self) { try LineReader(descriptor: FileDescriptor(rawValue: fd)).forEachLine { _, _ in } }
    }
}
