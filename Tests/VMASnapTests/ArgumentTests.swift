import Foundation
import Testing
@testable import VMASnap
@testable import vmasnap

/// Issue 11, items 3 and 7: arguments that used to trap, wrap or mislead.
@Suite struct ArgumentTests {
    /// A recording to look things up in.
    static let recording = Result { () throws -> String in
        let path = try RecordCommandTests.directory("arguments") + "/r.data"
        let result = try CommandResult.run(["record", "-o", path, "--", BuildProducts.fixture, "--script", "exit 0"])
        guard result.status == 0 else { throw FixtureError(command: "record", answer: result.standardError) }
        return path
    }

    @Test func aTimePastTheEndOfTheClockIsAUsageError() throws {
        let path = try Self.recording.get()
        for arguments in [["lookup", path, "--pid", "1", "--time", "+9223372036.854775807", "0x1000"],
                          ["diff", path, "--from", "+1", "--to", "+9223372036.854775807"],
                          ["diff", path, "--from", "+9223372036.854775807", "--to", "+1"]]
        {
            let result = try CommandResult.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.standardError.hasPrefix("vmasnap: --"))
            #expect(result.standardError.contains("the time lies past the end of the recording's clock"))
            #expect(result.standardOutput.isEmpty)
        }
    }

    @Test func aKernelThreadSaysWhatItIs() throws {
        // kthreadd is pid 2 wherever a pid namespace does not hide it; else any kernel thread.
        let threads = (try FileManager.default.contentsOfDirectory(atPath: "/proc")).compactMap(Int32.init)
            .filter { ProcessStat.read(pid: $0)?.isKernelThread == true }
        let pid = try #require(threads.first)
        for command in [["maps", "-p", "\(pid)"], ["maps", "-p", "\(pid)", "--backend", "text"], ["query", "-p", "\(pid)", "0x1000"],
                        ["record", "-p", "\(pid)", "-o", TestLibraries.directory.appendingPathComponent("kthread.data").path]]
        {
            let result = try CommandResult.run(command)
            #expect(result.status == 2, "\(command)")
            #expect(result.standardError
                == "vmasnap: process \(pid) is a kernel thread: it has no user address space, so no mappings\n")
        }
    }

    @Test func aNegativeProcessIDSaysWhatIsWrong() throws {
        for command in [["maps", "-p", "-1"], ["query", "--pid", "-5", "0x10"], ["record", "-p", "-3,4", "-a"]] {
            let result = try CommandResult.run(command)
            #expect(result.status == 64)
            #expect(result.standardError.hasPrefix("vmasnap: invalid process ID '\(command[2])'"))
            #expect(result.standardError.contains("a process ID is a positive decimal number"))
        }
        // After "--" it belongs to the command.
        let command = try CommandResult.run(["record", "-o", TestLibraries.directory.appendingPathComponent("dash.data").path,
                                             "--", "/bin/sh", "-c", "exit 3", "-p", "-1"])
        #expect(command.status == 3)
    }

    @Test func tooLongIntervalsAndDurationsAreUsageErrorsBeforeAnythingIsCreated() throws {
        let directory = try RecordCommandTests.directory("long")
        // An earlier recording stays where it is (it was renamed to .old
        // before the trap).
        try "earlier".write(toFile: directory + "/x.data", atomically: false, encoding: .utf8)
        for arguments in [["--interval", "9223372036s", "--duration", "1s"], ["--duration", "9223372036s"],
                          ["--interval", "2562048h"]]
        {
            let result = try CommandResult.run(["record", "-a", "-o", directory + "/x.data"] + arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.standardError.hasPrefix("vmasnap: "))
            #expect(result.standardError.split(separator: "\n").count == 1)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["x.data"])
        #expect(try String(contentsOfFile: directory + "/x.data", encoding: .utf8) == "earlier")
    }

    /// The options of query and lookup that take a value, and where their
    /// addresses begin, as ArgumentParser describes the commands.
    @Test func whichOptionsTakeAValueComesFromTheCommands() {
        let lookup = AddressArguments.layout(of: Lookup.self)
        #expect(lookup.leadingPositionals == 1)
        #expect(lookup.valuedOptions.isSuperset(of: ["-p", "--pid", "--time", "--callchain-addresses"]))
        #expect(!lookup.valuedOptions.contains("--json") && !lookup.valuedOptions.contains("--stdin"))
        let query = AddressArguments.layout(of: Query.self)
        #expect(query.leadingPositionals == 0)
        #expect(query.valuedOptions.isSuperset(of: ["-p", "--pid", "--backend"]))
        #expect(!query.valuedOptions.contains("--json"))
    }

    /// 20,000 addresses on the command line (half a minute of argument
    /// parsing before): every one answered, in order, options anywhere.
    @Test func manyAddressesAreAllAnsweredInOrder() throws {
        let fixture = try FixtureProcess()
        let addresses = (0..<20_000).map { "0x\(String(0x1000 + $0 * 16, radix: 16))" }
        let query = try CommandResult.run(["query", "-p", "\(fixture.pid)"] + addresses[..<10_000] + ["--json"] + addresses[10_000...])
        #expect(query.status == 0, "\(query.standardError)")
        #expect(query.lines.count == 20_000)
        #expect(query.lines.first?.contains("\"address\":\"\(addresses[0])\"") == true)
        #expect(query.lines.last?.contains("\"address\":\"\(addresses[19_999])\"") == true)
        let path = try Self.recording.get()
        // Options with values among the addresses: which options take one
        // comes from ArgumentParser's own description of the command.
        let lookup = try CommandResult.run(["lookup", path, "--pid", "1"] + addresses[..<5_000]
            + ["--callchain-addresses", "auto"] + addresses[5_000...] + ["--time", "+0.5"])
        #expect(lookup.status == 0, "\(lookup.standardError)")
        #expect(lookup.lines.map { $0.split(separator: " ")[2] } == addresses.map { Substring($0) })
        let bad = try CommandResult.run(["query", "-p", "\(fixture.pid)", "0x10", "0x20", "zz"])
        #expect(bad.status == 64)
        #expect(bad.standardError == "vmasnap: The value 'zz' is invalid for '<addresses>' (see 'vmasnap help')\n")
    }
}
