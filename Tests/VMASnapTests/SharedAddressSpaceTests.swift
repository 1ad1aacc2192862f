import Foundation
import Testing
@testable import VMASnap

/// Issue 15: a vfork or CLONE_VM child walked before its exec. Its
/// /proc/PID/maps descriptor is bound to its parent's address space; after
/// the exec the recorder must find out, reopen it and record the exec, or
/// the child shows its parent's mappings for the rest of its life.
@Suite struct SharedAddressSpaceTests {
    /// What one recorded child looked like.
    struct Child: CustomStringConvertible {
        var pid: Int32
        var epochs: [[String]]
        var execs: [String]

        /// Whether a walk saw it before its exec, in its parent's address space.
        func caughtBeforeExec(parent: String) -> Bool { epochs.first?.contains(parent) == true }

        var description: String { "pid \(pid): epochs \(epochs), execs \(execs)" }
    }

    /// Records `command` and returns every process but the command itself,
    /// and the command's output.
    static func recordChildren(_ label: String, interval: String, extra: [String] = [], _ command: [String]) throws
        -> (children: [Child], output: String)
    {
        let file = try RecordCommandTests.directory(label) + "/t.data"
        let result = try CommandResult.run(["record", "-o", file, "--interval", interval] + extra + ["--"] + command)
        #expect(result.status == 0, "\(result.standardError)")
        let reader = try RecordingReader(path: file)
        var execs: [Int: [String]] = [:]
        for record in reader.records() {
            if case .exec(let number, let name, _) = record { execs[number, default: []].append(String(decoding: name, as: UTF8.self)) }
        }
        // The command is the one whose parent is not recorded (with events,
        // a child seen at its fork may be numbered before it).
        let pids = Set(reader.processes.map(\.identity.pid))
        let children = try reader.processes.indices.filter { pids.contains(reader.processes[$0].parentPID) }.map { number in
            Child(pid: reader.processes[number].identity.pid, epochs: try reader.history(of: number).fileNames, execs: execs[number] ?? [])
        }
        return (children, result.standardOutput)
    }

    /// The fixture's child, by the pid its "ok CHILD" answer gives.
    static func fixtureChild(_ recorded: (children: [Child], output: String)) -> [Child] {
        let pid = recorded.output.split(separator: "\n").first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int32($0) }
        #expect(pid != nil, "no child pid in \(recorded.output)")
        let child = recorded.children.filter { $0.pid == pid }
        #expect(child.count == 1, "child \(pid.map(String.init) ?? "?") not among \(recorded.children); output \(recorded.output)")
        return child
    }

    /// The child ran `program` and, once it did, never again its parent's
    /// mappings; a child caught before its exec has the exec recorded.
    static func check(_ children: [Child], count: Int, parent: String, program: String) {
        #expect(children.count == count, "\(children)")
        for child in children {
            let first = child.epochs.firstIndex { $0.contains(program) }
            #expect(first != nil, "\(program) never appears: \(child)")
            guard let first else { continue }
            #expect(!child.epochs[first...].contains { $0.contains(parent) }, "parent's mappings after the exec: \(child)")
            if child.caughtBeforeExec(parent: parent) { #expect(child.execs == [program], "\(child)") }
        }
    }

    /// The issue's program (a vfork child that waits 150 ms, then execs
    /// sleep), and glibc's posix_spawn (CLONE_VM | CLONE_VFORK) with its
    /// child held 100 ms in its file actions (opening a FIFO whose other end
    /// a helper child opens; the fixture says which child is the spawned
    /// one). Every run catches the child before its exec (the interval is 20 ms).
    /// With kernel events off (walks alone) and on (the exec event reopens
    /// the descriptor too: the exec is recorded once).
    @Test(arguments: ["vfork 150", "pspawn 100"], ["off", "on"]) func childHeldBeforeItsExec(held: String, events: String) throws {
        for run in 0..<4 {
            let children = Self.fixtureChild(try Self.recordChildren(
                "\(held.prefix { $0 != " " })-\(events)-\(run)", interval: "20ms", extra: ["--events", events],
                [BuildProducts.fixture, "--script", "\(held) /bin/sleep 0.15; wait"]))
            Self.check(children, count: 1, parent: "vmasnap-fixture", program: "sleep")
            #expect(children.first?.caughtBeforeExec(parent: "vmasnap-fixture") == true, "\(children)")
        }
    }

    /// Python's subprocess (vfork since 3.10): its window before the exec is
    /// short, so walks every millisecond catch some children in it and not
    /// others; either way each child is shown running sleep.
    @Test func pythonSubprocessChildren() throws {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else { return }
        let script = "import subprocess\nfor _ in range(10): subprocess.run(['/bin/sleep', '0.1'])"
        for run in 0..<2 {
            let children = try Self.recordChildren("python-\(run)", interval: "1ms", extra: ["--events", "off"], [python, "-c", script]).children
            Self.check(children, count: 10, parent: "python3.11", program: "sleep")
        }
    }
}
