import Foundation
import VMASnap

/// Issue 12's kernel events: what tracking costs the traced program (against
/// perf record's own tracking and against nothing), what syscall tracepoints
/// cost every syscall on the machine, what the reader costs per record, how
/// bursts fill buffers, how soon an exec's mappings reach the reader, and
/// how many descriptors a -p process's threads take.
struct TrackingBenchmark {
    let fixture: String
    let library: String
    let quick: Bool
    /// The vmasnap executable, for the row of the recorder itself (none without).
    var vmasnap = ""
    static let perf = "/usr/bin/perf"

    /// How the reader is woken: the buffers' watermark, the least time
    /// between two drains (wakeups in between wait), and a timer that drains
    /// anyway (the recorder's loop wakes for its rounds and status line).
    struct ReaderPolicy: Hashable {
        var name: String
        var wakeupBytes: UInt32
        var minimumInterval: Int64
        var timerMilliseconds: Int32

        static let firstByte = ReaderPolicy(name: "woken at the first byte", wakeupBytes: 1, minimumInterval: 0, timerMilliseconds: 10)
        static let coalesced = ReaderPolicy(name: "woken at the first byte, drains ≥ 1 ms apart", wakeupBytes: 1,
                                            minimumInterval: 1_000_000, timerMilliseconds: 10)
        static let halfKiB = ReaderPolicy(name: "woken at 512 B (the former default), else every 5 ms", wakeupBytes: 512, minimumInterval: 0,
                                          timerMilliseconds: 5)
        static let fourKiB = ReaderPolicy(name: "woken at 4 KiB, else every 10 ms", wakeupBytes: 4096, minimumInterval: 0, timerMilliseconds: 10)
        static let timerOnly = ReaderPolicy(name: "a 10 ms timer only", wakeupBytes: 1 << 30, minimumInterval: 0, timerMilliseconds: 10)
    }

    /// One way of running the traced program.
    enum Tracer: Hashable {
        case none
        case vmasnap(ReaderPolicy, buildIDs: Bool = false, syscalls: Bool = false)
        case perfDummy(buildIDs: Bool)
        /// `vmasnap record -- PROGRAM` itself, at its defaults.
        case recorder(String)

        var name: String {
            switch self {
            case .none: return "no tracing"
            case .vmasnap(let policy, let buildIDs, let syscalls):
                return "vmasnap tracking\(buildIDs ? " with build IDs" : "")\(syscalls ? " + 8 syscall tracepoints" : ""), \(policy.name)"
            case .perfDummy(let buildIDs): return "`perf record -e dummy:u\(buildIDs ? " --buildid-mmap" : "")`"
            case .recorder: return "`vmasnap record` itself (one-shot buffers woken at the first byte, read by its pacing timer)"
            }
        }

        var options: TrackingOptions? {
            guard case .vmasnap(let policy, let buildIDs, let syscalls) = self else { return nil }
            return TrackingOptions(syscalls: syscalls, buildIDs: buildIDs, wakeupBytes: policy.wakeupBytes)
        }

        var policy: ReaderPolicy {
            if case .vmasnap(let policy, _, _) = self { return policy }
            return .firstByte
        }
    }

    /// What one traced run gave.
    struct Run {
        /// The fixture's answer lines.
        var answers: [String]
        var records = 0
        var lost: UInt64 = 0
        var fullBuffers = 0
    }

    struct Result {
        var pairs: Int
        /// Per tracer, in order: median CPU µs per dlopen+dlclose pair of the traced program.
        var pairCost: [(tracer: Tracer, microseconds: Double)] = []
        /// The reader's CPU per record when a drain finds many (a burst).
        var readerNanosecondsPerRecord = Samples()
        /// The reader's CPU for a drain that finds nothing.
        var readerNanosecondsPerEmptyDrain = Samples()
        var syscallRows: [(name: String, nanoseconds: Double)] = []
        var burstRows: [(name: String, delivered: Int, lost: UInt64, fullBuffers: Int)] = []
        var execLatencies: [(policy: ReaderPolicy, microseconds: [Int64])] = []
        var fanOutRows: [(threads: Int, tracking: Int, withTracepoints: Int?, openMilliseconds: Double)] = []
        var perfWorks = true
        var tracepointsPermitted = true
        var systemWidePermitted = true
    }

    func run() throws -> Result {
        let permissions = TrackingPermissions.probe(.command(pid: 0))
        var result = Result(pairs: quick ? 3000 : 20_000)
        result.tracepointsPermitted = permissions.syscallTracepoints.isPermitted
        result.systemWidePermitted = permissions.systemWide.isPermitted
        result.perfWorks = FileManager.default.isExecutableFile(atPath: TrackingBenchmark.perf)
        try slowdown(&result)
        try readerCost(&result)
        try syscallCost(&result)
        try bursts(&result)
        try execLatency(&result)
        try fanOut(&result)
        return result
    }

    // MARK: The traced program's slowdown

    private func slowdown(_ result: inout Result) throws {
        var tracers: [Tracer] = [.none, .vmasnap(.firstByte), .vmasnap(.coalesced), .vmasnap(.halfKiB), .vmasnap(.fourKiB),
                                 .vmasnap(.halfKiB, buildIDs: true)]
        if result.tracepointsPermitted { tracers.append(.vmasnap(.halfKiB, syscalls: true)) }
        if result.perfWorks { tracers += [.perfDummy(buildIDs: false), .perfDummy(buildIDs: true)] }
        if !vmasnap.isEmpty { tracers.append(.recorder(vmasnap)) }
        var samples = Array(repeating: Samples(), count: tracers.count)
        let script = "dlloop \(library) \(result.pairs)"
        for _ in 0..<(quick ? 2 : 7) {
            for (index, tracer) in tracers.enumerated() {
                let run = try traced(script: script, tracer: tracer)
                guard let fields = run.answers.last?.split(separator: " "), fields.count == 4, fields[0] == "ok",
                    let cpu = Double(fields[2])
                else { throw BenchmarkError("dlloop answered \(run.answers)") }
                samples[index].add(cpu / Double(result.pairs) / 1000)
            }
        }
        result.pairCost = zip(tracers, samples).map { ($0, $1.median) }
    }

    /// The reader's own cost: a drain that finds a burst of records (its CPU
    /// per record), and one that finds nothing.
    func readerCost(_ result: inout Result, rounds: Int? = nil) throws {
        let count = quick ? 3000 : 10_000
        for _ in 0..<(rounds ?? (quick ? 2 : 5)) {
            // Big enough buffers that the burst fits; read only at the end.
            let command = try GatedCommand([fixture, "--script", "mmaploop \(library) \(count) 0"],
                                           standardOutput: open("/dev/null", O_WRONLY | O_CLOEXEC))
            let session = try TrackingSession(target: .command(pid: command.pid),
                                              options: TrackingOptions(bufferPages: 1024, wakeupBytes: 1 << 30))
            try command.release()
            _ = try command.waitForExit()
            let start = TrackingBenchmark.threadCPU()
            let events = session.finish()
            let spent = TrackingBenchmark.threadCPU() - start
            guard session.statistics.lostRecords == 0, events.count > count else { throw BenchmarkError("burst lost records") }
            result.readerNanosecondsPerRecord.add(Double(spent) / Double(session.statistics.records))
            let drains = 10_000
            let empty = TrackingBenchmark.threadCPU()
            for _ in 0..<drains { _ = session.drain() }
            result.readerNanosecondsPerEmptyDrain.add(Double(TrackingBenchmark.threadCPU() - empty) / Double(drains))
        }
    }

    /// Runs `fixture --script SCRIPT` under `tracer`, reading its session
    /// (for vmasnap) as a recorder's loop would, and returns its answers.
    func traced(script: String, tracer: Tracer, options: TrackingOptions? = nil) throws -> Run {
        var arguments = [fixture, "--script", script]
        let perfData = NSTemporaryDirectory() + "vmasnap-bench-tracking.data"
        if case .perfDummy(let buildIDs) = tracer {
            arguments = [TrackingBenchmark.perf, "record", "-q", "-B"] + (buildIDs ? ["--buildid-mmap"] : [])
                + ["-e", "dummy:u", "-o", perfData, "--"] + arguments
        }
        if case .recorder(let path) = tracer { arguments = [path, "record", "--force", "-o", perfData, "--"] + arguments }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw BenchmarkError("pipe: \(errno)") }
        _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
        let command = try GatedCommand(arguments, standardOutput: pipeEnds[1])
        close(pipeEnds[1])
        defer { close(pipeEnds[0]) }
        let session = try (options ?? tracer.options).map { try TrackingSession(target: .command(pid: command.pid), options: $0) }
        try command.release()
        var run = Run(answers: [])
        var output = Data()
        var loop = ReaderLoop(policy: tracer.policy, session: session)
        while true {
            let ready = loop.wait(alsoFor: pipeEnds[0])
            _ = loop.drainIfDue()
            guard ready else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(pipeEnds[0], &chunk, chunk.count)
            if count <= 0 { break }
            output.append(contentsOf: chunk[0..<count])
        }
        let status = try command.waitForExit()
        if let session {
            _ = session.finish()
            run.records = session.statistics.records
            run.lost = session.statistics.lostRecords
            run.fullBuffers = session.statistics.fullBuffers
        }
        try? FileManager.default.removeItem(atPath: perfData)
        guard status == 0 else { throw BenchmarkError("\(arguments.joined(separator: " ")) ended with status \(status)") }
        run.answers = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        return run
    }

    /// A recorder-like event loop: waits on the buffers (unless a drain was
    /// too recent) and on one more descriptor, and drains by its policy.
    struct ReaderLoop {
        let policy: ReaderPolicy
        let session: TrackingSession?
        private var lastDrain: Int64 = 0

        init(policy: ReaderPolicy, session: TrackingSession?) {
            self.policy = policy
            self.session = session
        }

        /// Waits until `descriptor` (if any) has input or it is time to
        /// drain; returns whether `descriptor` has input.
        mutating func wait(alsoFor descriptor: Int32?) -> Bool {
            let now = Clock.now()
            var deadline = now + Int64(policy.timerMilliseconds) * 1_000_000
            if let next = session?.nextFinalityTime { deadline = min(deadline, next) }
            var descriptors: [pollfd] = descriptor.map { [pollfd(fd: $0, events: Int16(POLLIN), revents: 0)] } ?? []
            if now >= lastDrain + policy.minimumInterval {
                descriptors += (session?.pollDescriptors ?? []).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            } else {
                deadline = min(deadline, lastDrain + policy.minimumInterval)
            }
            let timeout = Int32(clamping: max(0, (deadline - now + 999_999) / 1_000_000))
            _ = poll(&descriptors, nfds_t(descriptors.count), timeout)
            return descriptor != nil && descriptors[0].revents != 0
        }

        /// Drains when the policy allows.
        mutating func drainIfDue() -> [TrackingEvent] {
            guard let session else { return [] }
            let now = Clock.now()
            guard now >= lastDrain + policy.minimumInterval else { return [] }
            lastDrain = now
            return session.drain()
        }
    }

    static func threadCPU() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    // MARK: Every syscall on the machine

    /// An untraced process's getppid while nothing, tracking events, or
    /// syscall tracepoints are open elsewhere (on an idle process, and
    /// system-wide).
    private func syscallCost(_ result: inout Result) throws {
        let calls = quick ? 300_000 : 2_000_000
        func untraced() throws -> Double {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: fixture)
            process.arguments = ["--script", "getppid \(calls)"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard let value = text.split(separator: " ").last.flatMap({ Double($0.filter(\.isNumber)) }) else {
                throw BenchmarkError("getppid answered \(text)")
            }
            return value
        }
        /// Tracking of an idle process (a gated sleep), kept for one measurement.
        func idle(_ options: TrackingOptions) throws -> Holder {
            let command = try GatedCommand(["/bin/sleep", "30"])
            let session = try TrackingSession(target: .command(pid: command.pid), options: options)
            try command.release()
            return Holder(command, session)
        }
        var configurations: [(String, () throws -> Holder?)] = [("nothing open", { nil })]
        configurations.append(("tracking events on another (idle) process", { try idle(TrackingOptions()) }))
        if result.tracepointsPermitted {
            configurations.append(("8 syscall tracepoints on another (idle) process", { try idle(TrackingOptions(syscalls: true)) }))
        }
        if result.systemWidePermitted {
            configurations.append(("system-wide tracking events (`-a`)", { Holder(nil, try TrackingSession(target: .systemWide)) }))
            if result.tracepointsPermitted {
                configurations.append(("system-wide: 8 syscall tracepoints", {
                    Holder(nil, try TrackingSession(target: .systemWide, options: TrackingOptions(syscalls: true, bufferPages: 256)))
                }))
            }
        }
        var samples = Array(repeating: Samples(), count: configurations.count)
        for _ in 0..<(quick ? 2 : 7) {
            for (index, configuration) in configurations.enumerated() {
                let held = try configuration.1()
                samples[index].add(try untraced())
                held?.stop()
            }
        }
        result.syscallRows = zip(configurations, samples).map { ($0.0, $1.median) }
    }

    /// Keeps a session (and the command it tracks) alive for a measurement.
    final class Holder {
        let command: GatedCommand?
        let session: TrackingSession
        init(_ command: GatedCommand?, _ session: TrackingSession) {
            self.command = command
            self.session = session
        }
        func stop() {
            guard let command else { return }
            kill(command.pid, SIGKILL)
            _ = try? command.waitForExit()
        }
    }

    // MARK: Bursts

    /// mmap + munmap loops (10,000 a second, and flat out) against buffer
    /// sizes, the reader woken at 512 bytes and every 5 ms.
    private func bursts(_ result: inout Result) throws {
        let count = quick ? 3000 : 10_000
        var rows: [(String, TrackingOptions, Int)] = []
        for pages in [1, 8, 64] {
            rows.append(("\(pages * 4) KiB a CPU, \(count) at 10,000/s", TrackingOptions(bufferPages: pages, minimumBufferPages: pages), 10_000))
        }
        rows.append(("4 KiB a CPU, \(count) flat out", TrackingOptions(bufferPages: 1, minimumBufferPages: 1), 0))
        rows.append(("256 KiB a CPU, \(count) flat out", TrackingOptions(), 0))
        if result.tracepointsPermitted {
            rows.append(("256 KiB a CPU + syscall tracepoints, \(count) at 10,000/s", TrackingOptions(syscalls: true), 10_000))
            rows.append(("256 KiB a CPU + syscall tracepoints, \(count) flat out", TrackingOptions(syscalls: true), 0))
        }
        for (name, options, rate) in rows {
            let run = try traced(script: "mmaploop \(library) \(count) \(rate)", tracer: .vmasnap(.halfKiB), options: options)
            result.burstRows.append((name, run.records, run.lost, run.fullBuffers))
        }
    }

    // MARK: Exec to mappings

    /// For each of N children that exec /bin/true: from the exec's time (the
    /// kernel's COMM record) to the moment `drain` handed on libc's mapping
    /// in the new image, for each reader policy.
    private func execLatency(_ result: inout Result) throws {
        let children = quick ? 20 : 100
        for policy in [ReaderPolicy.firstByte, .coalesced, .halfKiB, .fourKiB, .timerOnly] {
            result.execLatencies.append((policy, try latencies(children: children, policy: policy)))
        }
    }

    private func latencies(children: Int, policy: ReaderPolicy) throws -> [Int64] {
        let command = try GatedCommand([fixture, "--script", "spawn \(children) /bin/true"],
                                       standardOutput: open("/dev/null", O_WRONLY | O_CLOEXEC))
        let session = try TrackingSession(target: .command(pid: command.pid), options: TrackingOptions(wakeupBytes: policy.wakeupBytes))
        try command.release()
        var loop = ReaderLoop(policy: policy, session: session)
        var execs: [Int32: Int64] = [:]
        var latencies: [Int64] = []
        var done = false
        while !done {
            _ = loop.wait(alsoFor: nil)
            let events = loop.drainIfDue()
            let now = Clock.now()
            for event in events {
                switch event.kind {
                case .exec(let comm) where comm.pid != command.pid: execs[comm.pid] = event.time
                case .mapped(let mapping) where String(decoding: mapping.filename, as: UTF8.self).contains("/libc.so"):
                    if let exec = execs.removeValue(forKey: mapping.pid) { latencies.append((now - exec) / 1000) }
                case .processExited(let pid) where pid == command.pid: done = true
                default: break
                }
            }
        }
        _ = try command.waitForExit()
        return latencies
    }

    // MARK: -p fan-out

    private func fanOut(_ result: inout Result) throws {
        for threads in quick ? [1, 16] : [1, 16, 128] {
            let target = try TargetProcess(fixture: fixture, anonymous: 1, executable: 0, mappedFile: library)
            for _ in 1..<threads { _ = try target.send("thread 60000") }
            let start = Clock.now()
            let tracking = try TrackingSession(target: .processes([target.pid]))
            let milliseconds = Double(Clock.now() - start) / 1e6
            var withTracepoints: Int?
            if result.tracepointsPermitted {
                withTracepoints = try TrackingSession(target: .processes([target.pid]), options: TrackingOptions(syscalls: true))
                    .statistics.descriptors
            }
            result.fanOutRows.append((threads, tracking.statistics.descriptors, withTracepoints, milliseconds))
        }
    }
}
