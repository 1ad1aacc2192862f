import Foundation
import SystemPackage
import VMASnap

/// Issue 14: symbolizing answers (build ID, file offset) with the
/// `Symbolizer`, against llvm-symbolizer and addr2line on the same file
/// offsets, converted to the ELF virtual addresses the tools take.
struct SymbolBenchmark {
    struct Row {
        var name: String
        /// Milliseconds: vmasnap in process; the tools as a process, and that
        /// less the same tool's run on a tiny file (its start-up).
        var vmasnap = 0.0
        var llvm = 0.0
        var llvmLoad = 0.0
        var addr2line = 0.0
        var addr2lineLoad = 0.0
    }

    struct Throughput {
        var name: String
        var frames = 0
        /// Frames a second.
        var vmasnap = 0.0
        var vmasnapFastPath = 0.0
        /// The share of frames named.
        var named = 0.0
        var llvm = 0.0
        var addr2line = 0.0
    }

    /// `record --keep-symbols`: what one file's table costs to make (on the
    /// recorder's collector thread) and to store.
    struct Kept {
        var name: String
        /// CPU ms to make the table from the open file and compress it.
        var milliseconds = 0.0
        var decodedBytes = 0
        var storedBytes = 0
    }

    struct Result {
        var firstUse: [Row] = []
        var throughput: [Throughput] = []
        var kept: [Kept] = []
        /// What stays on the walk per new build ID: opening the mapped file
        /// through /proc/self/map_files and fstat, CPU µs.
        var openMicroseconds = 0.0
    }

    let tinyFile: String
    let quick: Bool

    static let llvmSymbolizer = "/opt/swift/usr/bin/llvm-symbolizer"
    static let libc = "/usr/lib/x86_64-linux-gnu/libc.so.6"
    static let swiftCore = "/opt/swift/usr/lib/swift/linux/libswiftCore.so"

    /// A file to symbolize: its path, build ID, and random file offsets in
    /// its code with the addresses they are at.
    struct Target {
        var path: String
        var buildID: BuildID
        var offsets: [UInt64]
        var addresses: [UInt64]

        init(path: String, count: Int, seed: UInt64) throws {
            let elf = try ELFFile(path: path)
            self.path = path
            guard let buildID = elf.buildID() else { throw BenchmarkError.noBuildID(path) }
            self.buildID = buildID
            let code = elf.sections.filter { $0.isExecutable && $0.hasFileBytes && $0.size > 0 }
            let total = code.reduce(0) { $0 + $1.size }
            var generator = SeededGenerator(seed: seed)
            offsets = []
            for _ in 0..<count {
                var pick = UInt64.random(in: 0..<total, using: &generator)
                for section in code {
                    if pick < section.size { offsets.append(section.fileOffset + pick); break }
                    pick -= section.size
                }
            }
            addresses = offsets.map { elf.virtualAddress(ofFileOffset: $0)! }
        }
    }

    enum BenchmarkError: Error { case noBuildID(String) }

    func run() throws -> Result {
        var result = Result()
        let runs = quick ? 3 : 7
        var targets: [(String, Target)] = [("libc", try Target(path: Self.libc, count: quick ? 200_000 : 1_000_000, seed: 1))]
        if FileManager.default.fileExists(atPath: Self.swiftCore) {
            targets.append(("libswiftCore", try Target(path: Self.swiftCore, count: quick ? 200_000 : 1_000_000, seed: 2)))
        }
        let tiny = try Target(path: tinyFile, count: 1, seed: 3)
        let debugFile = "/usr/lib/debug/.build-id/\(targets[0].1.buildID.description.prefix(2))/\(targets[0].1.buildID.description.dropFirst(2)).debug"
        let libcHasDebugFile = FileManager.default.fileExists(atPath: debugFile)

        // First use: a new symbolizer, one answer; the tools: one address.
        func firstUseRow(_ name: String, _ target: Target, lines: Bool) throws -> Row {
            let llvmOptions = lines ? ["--inlines"] : ["--no-inlines", "--debug-file-directory=/nonexistent"]
            let addr2lineOptions = lines ? ["-f", "-i"] : ["-f"]
            var ours = Samples(), llvm = Samples(), llvmTiny = Samples(), addr2line = Samples(), addr2lineTiny = Samples()
            for _ in 0..<runs {
                ours.add(firstUse(target, search: SymbolSearchPaths(), lines: lines))
                llvm.add(try Self.tool(Self.llvmSymbolizer, ["--obj=\(target.path)"] + llvmOptions, [target.addresses[0]]))
                llvmTiny.add(try Self.tool(Self.llvmSymbolizer, ["--obj=\(tiny.path)"] + llvmOptions, tiny.addresses))
                addr2line.add(try Self.tool("/usr/bin/addr2line", addr2lineOptions + ["-e", target.path], [target.addresses[0]]))
                addr2lineTiny.add(try Self.tool("/usr/bin/addr2line", addr2lineOptions + ["-e", tiny.path], tiny.addresses))
            }
            return Row(name: name, vmasnap: ours.median / 1e6, llvm: llvm.median / 1e6, llvmLoad: (llvm.median - llvmTiny.median) / 1e6,
                       addr2line: addr2line.median / 1e6, addr2lineLoad: (addr2line.median - addr2lineTiny.median) / 1e6)
        }
        for (name, target) in targets {
            result.firstUse.append(try firstUseRow("\(name), functions (symbol table)", target, lines: false))
        }
        if libcHasDebugFile {
            result.firstUse.append(try firstUseRow("libc, source line and inlines (its /usr/lib/debug file)", targets[0].1, lines: true))
        }

        // Throughput after warm-up: every offset once to warm, then timed.
        for (name, target) in targets {
            var row = Throughput(name: "\(name), functions", frames: target.offsets.count)
            let symbolizer = Symbolizer()
            let path = MappedPath(target.path)
            var named = 0
            for offset in target.offsets where symbolizer.symbolize(buildID: target.buildID, path: path, fileOffset: offset, lines: false).function?.function != nil {
                named += 1
            }
            row.named = Double(named) / Double(target.offsets.count)
            guard case .found(let file) = symbolizer.symbolFile(buildID: target.buildID, path: path) else { continue }
            var full = Samples(), fast = Samples()
            for _ in 0..<runs {
                var start = Clock.threadCPU()
                var sum = 0
                for offset in target.offsets {
                    sum &+= symbolizer.symbolize(buildID: target.buildID, path: path, fileOffset: offset, lines: false).function?.function?.count ?? 0
                }
                full.add(Double(target.offsets.count) / (Double(Clock.threadCPU() - start) / 1e9))
                start = Clock.threadCPU()
                for offset in target.offsets {
                    if let found = file.function(atFileOffset: offset) { sum &+= file.name(of: found.index).count &+ Int(found.offset) }
                }
                fast.add(Double(target.offsets.count) / (Double(Clock.threadCPU() - start) / 1e9))
                precondition(sum != 0)
            }
            row.vmasnap = full.median
            row.vmasnapFastPath = fast.median
            let sample = Array(target.addresses.prefix(quick ? 20_000 : 100_000))
            row.llvm = Double(sample.count) / (try Self.tool(Self.llvmSymbolizer, ["--obj=\(target.path)", "--no-inlines", "--debug-file-directory=/nonexistent"], sample) / 1e9)
            row.addr2line = Double(sample.count) / (try Self.tool("/usr/bin/addr2line", ["-f", "-e", target.path], sample) / 1e9)
            result.throughput.append(row)
        }
        if libcHasDebugFile {
            // With DWARF: distinct addresses (each answer computed), after the
            // file's DWARF is open.
            let target = targets[0].1
            let count = quick ? 20_000 : 100_000
            var row = Throughput(name: "libc, source lines and inlines, distinct addresses", frames: count)
            var ours = Samples()
            for run in 0..<max(1, runs / 2) {
                let symbolizer = Symbolizer()
                _ = symbolizer.symbolize(buildID: target.buildID, path: MappedPath(target.path), fileOffset: target.offsets[0])
                let first = (run * count) % max(1, target.offsets.count - count)
                let offsets = target.offsets[first..<first + count]
                let start = Clock.threadCPU()
                for offset in offsets { _ = symbolizer.symbolize(buildID: target.buildID, path: MappedPath(target.path), fileOffset: offset) }
                ours.add(Double(count) / (Double(Clock.threadCPU() - start) / 1e9))
            }
            row.vmasnap = ours.median
            let sample = Array(target.addresses.prefix(count))
            row.llvm = Double(count) / (try Self.tool(Self.llvmSymbolizer, ["--obj=\(target.path)", "--inlines"], sample) / 1e9)
            row.addr2line = Double(count) / (try Self.tool("/usr/bin/addr2line", ["-f", "-i", "-e", target.path], sample) / 1e9)
            result.throughput.append(row)
        }
        // record --keep-symbols: each table made from the file opened once.
        for (name, target) in targets {
            result.kept.append(try kept("\(name), functions", target, lines: false, runs: runs))
        }
        if libcHasDebugFile { result.kept.append(try kept("libc, with lines (its /usr/lib/debug file)", targets[0].1, lines: true, runs: runs)) }
        result.openMicroseconds = try mapFilesOpen(runs: quick ? 200 : 2000)
        return result
    }

    /// A table made and compressed as the recorder's collector does.
    private func kept(_ name: String, _ target: Target, lines: Bool, runs: Int) throws -> Kept {
        var row = Kept(name: name)
        var times = Samples()
        for _ in 0..<runs {
            let descriptor = try FileDescriptor.open(target.path, .readOnly)
            let start = Clock.threadCPU()
            let bytes = SymbolKeeper(lines: lines, search: SymbolSearchPaths()).symbolTable(of: descriptor, buildID: target.buildID)
            let stored = bytes.flatMap { StoredSymbolTable(buildID: target.buildID, table: $0) }
            times.add(Double(Clock.threadCPU() - start))
            row.decodedBytes = bytes?.count ?? 0
            row.storedBytes = stored?.storedLength ?? 0
        }
        row.milliseconds = times.median / 1e6
        return row
    }

    /// CPU µs to open this process's libc mapping through /proc/self/map_files and fstat it.
    private func mapFilesOpen(runs: Int) throws -> Double {
        let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        guard let line = maps.split(separator: "\n").first(where: { $0.contains("r-xp") && $0.hasSuffix("/libc.so.6") }),
              let range = line.split(separator: " ").first
        else { return 0 }
        let path = "/proc/self/map_files/\(range)"
        let start = Clock.threadCPU()
        for _ in 0..<runs {
            let descriptor = try FileDescriptor.open(path, .readOnly)
            var status = stat()
            _ = fstat(descriptor.rawValue, &status)
            try descriptor.close()
        }
        return Double(Clock.threadCPU() - start) / Double(runs) / 1e3
    }

    /// CPU nanoseconds from a new symbolizer to its first answer for `target`.
    private func firstUse(_ target: Target, search: SymbolSearchPaths, lines: Bool) -> Double {
        let start = Clock.threadCPU()
        let symbolizer = Symbolizer(search: search)
        let answer = symbolizer.symbolize(buildID: target.buildID, path: MappedPath(target.path), fileOffset: target.offsets[0], lines: lines)
        let elapsed = Double(Clock.threadCPU() - start)
        precondition(answer.missing == nil)
        return elapsed
    }

    /// CPU nanoseconds (user + system) one run of `tool` takes to answer
    /// `addresses` (one a line on stdin), its output discarded.
    static func tool(_ tool: String, _ arguments: [String], _ addresses: [UInt64]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let text = Data(addresses.map { "0x" + String($0, radix: 16) }.joined(separator: "\n").utf8 + [10])
        let start = Clock.childrenCPU()
        try process.run()
        let writer = input.fileHandleForWriting
        writer.write(text)
        try writer.close()
        process.waitUntilExit()
        // Foundation reaps the child on its own thread, just after it exits.
        var spent = Clock.childrenCPU() - start
        var waited = 0
        while spent == 0 && waited < 100 {
            usleep(1000)
            waited += 1
            spent = Clock.childrenCPU() - start
        }
        return Double(spent)
    }
}
