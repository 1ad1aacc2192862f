import Foundation

/// Runs a command to completion, as the benchmarks time them.
enum ChildRun {
    /// Runs `argv` with stdout and stderr to /dev/null; its wall and CPU
    /// seconds and peak memory (wait4).
    @discardableResult
    static func spawn(_ argv: [String]) throws -> (wall: Double, cpu: Double, maxRSS: Int) {
        let start = Clock.now()
        let pid = try launch(argv)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let wall = Double(Clock.now() - start) / 1e9
        guard status == 0 else { throw BenchmarkError("\(argv.joined(separator: " ")) failed with status \(status)") }
        return (wall, usage.cpuSeconds, usage.ru_maxrss)
    }

    /// Starts `argv` with stdout to /dev/null and stderr to the file at
    /// `standardError` (created, or truncated); its pid, to wait for.
    ///
    /// - Throws: `BenchmarkError` when it cannot start.
    static func launch(_ argv: [String], standardError: String = "/dev/null") throws -> pid_t {
        var pid: pid_t = 0
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ) == 0 else {
            throw BenchmarkError("cannot start \(argv[0])")
        }
        return pid
    }
}

extension rusage {
    /// User + system seconds.
    var cpuSeconds: Double {
        Double(ru_utime.tv_sec + ru_stime.tv_sec) + Double(ru_utime.tv_usec + ru_stime.tv_usec) / 1e6
    }
}

extension ChildRun {
    /// Runs `argv` with stdin from `input` (a file) or /dev/null, stderr to
    /// /dev/null; its stdout.
    ///
    /// - Throws: `BenchmarkError` when it cannot start or fails.
    static func output(_ argv: [String], input: String? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.standardInput = try input.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("\(argv.joined(separator: " ")) failed with status \(process.terminationStatus)")
        }
        return data
    }
}
