import Foundation

/// Shared libraries compiled for the tests, each with a build ID the test
/// chose (of any length, to prove nothing assumes 20 bytes) and an exported
/// `fixture_entry` that the fixture's `spin` command runs.
enum TestLibraries {
    /// A directory for this test run's files, removed when the test process exits.
    static let directory: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vmasnap-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { removeDirectory() }
        return url
    }()

    /// Removes `directory` (unmounting a tmpfs a test left mounted in it first).
    private static func removeDirectory() {
        let path = directory.path
        if let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) {
            for line in mounts.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count > 1, fields[1].hasPrefix(path) { umount2(String(fields[1]), 0) }
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The C compiler: $CC, cc, gcc or the toolchain's clang.
    static let compiler: String = {
        if let cc = ProcessInfo.processInfo.environment["CC"], !cc.isEmpty { return cc }
        for candidate in ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "clang"
    }()

    /// Compiles `lib<name>.so` with `buildID` (hex) and `padding` extra bytes of code,
    /// so libraries differ in size and content. Returns its path.
    static func build(name: String, buildID: String, seed: Int = 1, padding: Int = 0) throws -> String {
        let source = directory.appendingPathComponent("\(name).c")
        let library = directory.appendingPathComponent("lib\(name).so")
        var text = """
            __attribute__((noinline)) unsigned long fixture_entry(unsigned long n) {
                unsigned long x = \(seed);
                for (unsigned long i = 0; i < n; i++) x = x * 6364136223846793005ul + i;
                return x;
            }

            """
        for index in 0..<padding {
            text += "unsigned long pad\(index)(unsigned long x) { return x * \(index + 3) + \(seed); }\n"
        }
        try text.write(to: source, atomically: true, encoding: .utf8)
        try run(compiler, ["-shared", "-fPIC", "-O1", "-o", library.path, source.path, "-Wl,--build-id=0x\(buildID)"])
        return library.path
    }

    /// Runs a program to completion; throws with its stderr when it fails.
    static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(command: ([executable] + arguments).joined(separator: " "),
                               answer: String(decoding: message, as: UTF8.self))
        }
    }
}
