import Foundation
import SystemPackage
@testable import VMASnap

/// A command run under a `TrackingSession` from before its exec, its stdin
/// and stdout piped to the test (for the fixture: one command a line, one
/// answer a line). While the test waits for an answer the session's buffers
/// are drained as a recorder's event loop would, so nothing piles up.
final class TrackedCommand {
    let command: GatedCommand
    let session: TrackingSession
    /// Every event drained so far, in order.
    private(set) var events: [TrackingEvent] = []
    private let input: Int32
    private let output: Int32
    private var pending: [UInt8] = []
    private var reaped = false

    /// The fixture's pid (the command's).
    var pid: Int32 { command.pid }

    /// Starts `arguments` (the fixture by default) gated, opens the session, releases it.
    init(_ arguments: [String] = [BuildProducts.fixture], options: TrackingOptions = TrackingOptions(),
         target: ((Int32) -> TrackingTarget)? = nil) throws {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw Errno(rawValue: errno) }
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        command = try GatedCommand(arguments, standardInput: toChild[0], standardOutput: fromChild[1])
        close(toChild[0])
        close(fromChild[1])
        input = toChild[1]
        output = fromChild[0]
        do {
            session = try TrackingSession(target: target?(command.pid) ?? .command(pid: command.pid), options: options)
        } catch {
            close(input)
            close(output)
            var status: Int32 = 0
            kill(command.pid, SIGKILL)
            waitpid(command.pid, &status, 0)
            throw error
        }
        try command.release()
    }

    deinit {
        close(input)
        close(output)
        if !reaped {
            kill(command.pid, SIGKILL)
            var status: Int32 = 0
            waitpid(command.pid, &status, 0)
        }
    }

    /// Sends one fixture command and returns the fields of its "ok" answer.
    @discardableResult
    func send(_ line: String, timeout: Double = 20) throws -> [String] {
        write(line)
        let answer = try readLine(timeout: timeout)
        let fields = answer.split(separator: " ").map(String.init)
        guard fields.first == "ok" else { throw FixtureError(command: line, answer: answer) }
        return Array(fields.dropFirst())
    }

    /// Sends a line that gets no answer (exec, exit).
    func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
    }

    /// Reads the next answer line, draining the session meanwhile.
    func readLine(timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            guard Date() < deadline else { throw FixtureError(command: "(read)", answer: "no answer in \(timeout) s") }
            var descriptors = [pollfd(fd: output, events: Int16(POLLIN), revents: 0)]
                + session.pollDescriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 50)
            events += session.drain()
            if descriptors[0].revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = Glibc.read(output, &chunk, chunk.count)
                guard count > 0 else { throw FixtureError(command: "(read)", answer: "end of output") }
                pending += chunk[0..<count]
            }
        }
    }

    /// Drains until `condition` holds for some event drained so far, or `timeout` passes.
    @discardableResult
    func drain(until condition: (TrackingEvent) -> Bool, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !events.contains(where: condition) {
            guard Date() < deadline else { return false }
            session.wait(milliseconds: 20)
            events += session.drain()
        }
        return true
    }

    /// Waits for the command to end, then takes every event still waiting.
    /// - Returns: its wait status.
    @discardableResult
    func finish(timeout: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while waitpid(command.pid, &status, WNOHANG) == 0 {
            guard Date() < deadline else { throw FixtureError(command: "(wait)", answer: "still running after \(timeout) s") }
            session.wait(milliseconds: 20)
            events += session.drain()
        }
        reaped = true
        // Its last records (the exit) may still be on their way to the buffers.
        drain(until: { $0.kind == .processExited(pid: self.command.pid) }, timeout: 2)
        events += session.finish()
        return status
    }
}

extension TrackingEvent {
    /// The mapping, for `mapped` events.
    var mapping: VMASnap.PerfMmapEvent? {
        if case .mapped(let mapping) = kind { return mapping }
        return nil
    }

    /// The traced call, for `syscall` events.
    var syscall: TrackedSyscall? {
        if case .syscall(let call) = kind { return call }
        return nil
    }

    /// The exec, for `exec` events.
    var exec: PerfCommEvent? {
        if case .exec(let comm) = kind { return comm }
        return nil
    }

    /// The new process, for `processCreated` events.
    var createdProcess: PerfTaskEvent? {
        if case .processCreated(let task) = kind { return task }
        return nil
    }

    /// A short line for failure messages.
    var summary: String {
        switch kind {
        case .processCreated(let task): return "\(time) fork \(task.pid) from \(task.parentPID)"
        case .threadCreated(let task): return "\(time) thread \(task.pid)/\(task.tid)"
        case .exec(let comm): return "\(time) exec \(comm.pid) \(String(decoding: comm.command, as: UTF8.self))"
        case .commandChanged(let comm): return "\(time) comm \(comm.pid)/\(comm.tid) \(String(decoding: comm.command, as: UTF8.self))"
        case .mapped(let mapping):
            return "\(time) mmap \(mapping.pid) \(String(mapping.start, radix: 16))+\(String(mapping.length, radix: 16)) "
                + String(decoding: mapping.filename, as: UTF8.self)
        case .syscall(let call): return "\(time) syscall \(call.pid) \(call.operation)"
        case .threadExited(let task): return "\(time) exit \(task.pid)/\(task.tid)"
        case .processExited(let pid): return "\(time) gone \(pid)"
        case .lost(let lost): return "\(time) lost \(lost.count) on CPU \(lost.cpu)"
        }
    }
}
