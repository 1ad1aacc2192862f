import Foundation

/// Issue 12's Done-when figures, at the default settings: the make -j2
/// build and libraries swapped at shared addresses recorded alongside perf
/// (answers against perf's MMAP2 records), the 200 short-lived children, and
/// the unchanged 10,000-VMA process against today's 100 ms polling.
struct DoneWhenBenchmark {
    struct Result {
        var build: [PerfOracle.Comparison] = []
        var swaps: [PerfOracle.Comparison] = []
        var children: [Int] = []
        var idle: [IdleRecorderBenchmark.Row] = []
        var idleVMAs = 0
    }

    let vmasnap: String
    let fixture: String
    let mappedFile: String
    let quick: Bool

    func run() throws -> Result {
        var result = Result()
        let directory = NSTemporaryDirectory() + "vmasnap-bench-done-when"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let project = try Self.buildProject(in: directory)
        let (a, b) = try Self.libraries(in: directory)
        let swap = "dlopen \(a); spin 0 300; dlclose 0; dlopen \(b); spin 0 300; dlclose 0; dlopen \(a); spin 0 300; dlclose 0"
        let children = directory + "/children.data"
        for _ in 0..<(quick ? 1 : 3) {
            try ChildRun.spawn(["/usr/bin/make", "-s", "-C", project, "clean"])
            result.build.append(try PerfOracle.record(["/usr/bin/make", "-s", "-j2", "-C", project], in: directory, vmasnap: vmasnap))
            result.swaps.append(try PerfOracle.record([fixture, "--script", swap], in: directory, vmasnap: vmasnap))
            _ = try RecorderRun.run([vmasnap, "record", "--force", "-o", children, "--"] + EventsPollingBenchmark.children)
            result.children.append(try RecordedPrograms.count(in: children, command: "sleep", mapping: "/usr/bin/sleep"))
        }
        var idle = IdleRecorderBenchmark(vmasnap: vmasnap, fixture: fixture, mappedFile: mappedFile, seconds: quick ? 2 : 4, runs: quick ? 1 : 3)
        result.idle = try idle.run().filter { $0.arguments == ["--events", "off", "--interval", "100ms"] || $0.arguments == ["--events", "on"] }
        result.idleVMAs = idle.vmas
        return result
    }

    /// The build: a Makefile compiling and linking 16 small C programs.
    static func buildProject(in directory: String) throws -> String {
        let project = directory + "/project"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        var makefile = "PROGRAMS := " + (0..<16).map { "program\($0)" }.joined(separator: " ") + "\n"
        makefile += "all: $(PROGRAMS)\n%: %.c\n\tcc -O2 -o $@ $<\nclean:\n\trm -f $(PROGRAMS)\n"
        try makefile.write(toFile: project + "/Makefile", atomically: true, encoding: .utf8)
        for index in 0..<16 {
            var source = "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n"
            for function in 0..<12 {
                source += "static unsigned long step\(function)(unsigned long x) {\n"
                    + "    for (int i = 0; i < \(function + 3); i++) x = x * \(index * 13 + function + 7)ul + (x >> \(function % 7 + 1));\n"
                    + "    return x ^ \(function * 977 + index);\n}\n"
            }
            source += "int main(int argc, char **argv) {\n    unsigned long x = (unsigned long)argc;\n"
            for function in 0..<12 { source += "    x = step\(function)(x);\n" }
            source += "    char text[64];\n    snprintf(text, sizeof text, \"%lu\", x);\n    printf(\"%s %zu\\n\", text, strlen(text));\n"
                + "    return (int)(x & 1);\n}\n"
            try source.write(toFile: project + "/program\(index).c", atomically: true, encoding: .utf8)
        }
        return project
    }

    /// Two libraries of different sizes and build IDs, each with the
    /// fixture's `fixture_entry` to spin in: loaded one after the other, the
    /// second lands at the first's address.
    static func libraries(in directory: String) throws -> (String, String) {
        func build(_ name: String, seed: Int, padding: Int) throws -> String {
            var source = "__attribute__((noinline)) unsigned long fixture_entry(unsigned long n) {\n"
                + "    unsigned long x = \(seed);\n    for (unsigned long i = 0; i < n; i++) x = x * 6364136223846793005ul + i;\n    return x;\n}\n"
            for index in 0..<padding { source += "unsigned long pad\(index)(unsigned long x) { return x * \(index + 3) + \(seed); }\n" }
            try source.write(toFile: "\(directory)/\(name).c", atomically: true, encoding: .utf8)
            try ChildRun.spawn(["/usr/bin/cc", "-shared", "-fPIC", "-O1", "-o", "\(directory)/lib\(name).so", "\(directory)/\(name).c"])
            return "\(directory)/lib\(name).so"
        }
        return (try build("swap-a", seed: 7, padding: 0), try build("swap-b", seed: 8, padding: 40))
    }
}
