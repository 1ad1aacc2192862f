import Foundation
import VMASnap

/// Issue 13's speed and memory goals: `vmasnap perf-resolve` against
/// `perf script` printing the same samples' frames, side by side, on a
/// perf.data of a few hundred MB; and the library alone (reading, ordering,
/// decoding and resolving, no printing) on one core.
///
/// The perf.data is real and grown: a `perf record -g` of the fixture
/// spinning in a library 24 calls deep, recorded with `vmasnap record`
/// alongside, whose SAMPLE records are then repeated in place (each copy a
/// nanosecond later, so perf's order and the answers stay the same).
struct PerfResolveBenchmark {
    struct Result {
        var baseBytes = 0
        var fileBytes = 0
        var copies = 0
        var samples = 0
        var frames = 0
        var perfScript = Run()
        var resolveText = Run()
        var resolveJSON = Run()
        var librarySeconds = 0.0
        var largestHeldBytes = 0
        var rounds = 0
        var exactFraction = 0.0
    }

    /// One command's median wall and CPU seconds, and its peak memory.
    struct Run {
        var wall = Samples()
        var cpu = Samples()
        var maxRSSKilobytes = 0
    }

    let vmasnap: String
    let fixture: String
    let quick: Bool

    func run() throws -> Result {
        let directory = NSTemporaryDirectory() + "vmasnap-bench-perf-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let library = directory + "/deep.so"
        try """
            __attribute__((noinline)) unsigned long level(int depth, unsigned long n) {
                if (depth == 0) { unsigned long x = 5; for (unsigned long i = 0; i < n; i++) x = x * 6364136223846793005ul + i; return x; }
                return level(depth - 1, n) + (unsigned long)depth;
            }
            unsigned long fixture_entry(unsigned long n) { return level(24, n); }
            """.write(toFile: directory + "/deep.c", atomically: true, encoding: .utf8)
        try ChildRun.spawn(["/usr/bin/cc", "-shared", "-fPIC", "-O1", "-fno-omit-frame-pointer", "-fno-optimize-sibling-calls",
                        "-o", library, directory + "/deep.c"])
        let recording = directory + "/maps.vmasnap"
        let base = directory + "/base.data"
        let milliseconds = quick ? 400 : 2000
        // perf's default clock: perf-resolve converts every time. Ring buffers
        // of 8 pages a CPU: perf writes a round each time it empties them,
        // so that rounds stay small once the samples are repeated.
        _ = try ChildRun.spawn([vmasnap, "record", "-o", recording, "--interval", "10ms", "--", "/usr/bin/perf", "record", "-q", "-g",
                            "-m", "8", "-c", "50000", "-o", base, "--", fixture, "--script", "dlopen \(library); spin 0 \(milliseconds); dlclose 0"])
        var result = Result()
        result.baseBytes = Self.size(base)
        result.copies = max(1, (quick ? 30 << 20 : 250 << 20) / max(result.baseBytes, 1))
        let big = directory + "/perf.data"
        try PerfDataExpander.repeatSamples(of: base, copies: result.copies, into: big)
        result.fileBytes = Self.size(big)

        // Interleaved: each round runs every contender once.
        var inProcess = Samples()
        for _ in 0..<(quick ? 1 : 3) {
            try Self.measure(["/usr/bin/perf", "script", "-i", big, "-F", "pid,tid,time,ip,dso", "--ns"], into: &result.perfScript)
            try Self.measure([vmasnap, "perf-resolve", big, recording], into: &result.resolveText)
            try Self.measure([vmasnap, "perf-resolve", big, recording, "--json"], into: &result.resolveJSON)
            let reader = try PerfDataReader(path: big)
            let recordingReader = try RecordingReader(path: recording)
            let index = AddressIndex(histories: try recordingReader.histories())
            let readings = recordingReader.perfClockReadings
            let start = Self.processCPUTime()
            let resolver = PerfSampleResolver(reader: reader, index: index) { attribute in
                PerfTimeConversion.choose(for: attribute, readings: readings, header: recordingReader.header, clockData: nil, estimate: nil)
            }
            var frames = 0
            try resolver.run { sample in frames &+= sample.frames.count }
            inProcess.add(Self.processCPUTime() - start)
            result.samples = resolver.statistics.resolvedSamples
            result.frames = resolver.statistics.frames
            result.largestHeldBytes = reader.statistics.largestHeldBytes
            result.rounds = reader.statistics.rounds
            result.exactFraction = Double(resolver.statistics.count(.exact)) / Double(max(resolver.statistics.frames, 1))
        }
        result.librarySeconds = inProcess.median
        return result
    }

    /// This process's CPU seconds so far (user and system): on a shared
    /// machine, what one core spent, whatever else ran.
    static func processCPUTime() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return usage.cpuSeconds
    }

    static func size(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }

    private static func measure(_ argv: [String], into run: inout Run) throws {
        let (wall, cpu, rss) = try ChildRun.spawn(argv)
        run.wall.add(wall)
        run.cpu.add(cpu)
        run.maxRSSKilobytes = max(run.maxRSSKilobytes, rss)
    }
}

/// Grows a file-mode perf.data by repeating each SAMPLE record in place,
/// each copy's time a nanosecond after the last (perf's order and every
/// answer stay the same); the other records and the feature sections are
/// kept, their offsets moved. Only what that needs of the format is read
/// here: the header's sections and the first attribute's sample_type.
enum PerfDataExpander {
    static func repeatSamples(of source: String, copies: Int, into destination: String) throws {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
        func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
        func put(_ value: UInt64, _ bytes: inout [UInt8], _ at: Int) {
            for byte in 0..<8 { bytes[at + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
        }
        guard data.count >= 104, data[0..<8].elementsEqual("PERFILE2".utf8) else { throw BenchmarkError("\(source) is not a perf.data file") }
        let dataOffset = Int(u64(data, 40)), dataSize = Int(u64(data, 48))
        let sampleType = PerfSampleType(rawValue: u64(data, Int(u64(data, 24)) + 24))
        guard sampleType.contains(.time) else { throw BenchmarkError("the samples have no time") }
        let timeOffset = 8 + 8 * [PerfSampleType.identifier, .ip, .tid].filter { sampleType.contains($0) }.count

        // The records, and the data section's new size.
        var records: [(start: Int, size: Int, isSample: Bool)] = []
        var position = dataOffset
        var newSize = 0
        while position + 8 <= dataOffset + dataSize {
            let size = Int(data[position + 6]) | Int(data[position + 7]) << 8
            guard size >= 8 else { throw BenchmarkError("a record of size \(size)") }
            let isSample = data[position] == 9 && data[position + 1] == 0
            records.append((position, size, isSample))
            newSize += isSample ? size * copies : size
            position += size
        }
        var header = Array(data[0..<dataOffset])
        put(UInt64(newSize), &header, 48)
        // The feature table follows the data: its offsets move by the growth.
        var features = Array(data[(dataOffset + dataSize)...])
        let featureCount = (0..<4).reduce(0) { $0 + u64(data, 72 + 8 * $1).nonzeroBitCount }
        for entry in 0..<featureCount { put(u64(features, 16 * entry) + UInt64(newSize - dataSize), &features, 16 * entry) }

        guard let out = OutputStream(toFileAtPath: destination, append: false) else { throw BenchmarkError("cannot write \(destination)") }
        out.open()
        defer { out.close() }
        var buffer: [UInt8] = header
        func flush() {
            buffer.withUnsafeBufferPointer { _ = out.write($0.baseAddress!, maxLength: $0.count) }
            buffer.removeAll(keepingCapacity: true)
        }
        for record in records {
            var copy = Array(data[record.start..<record.start + record.size])
            if record.isSample {
                let time = u64(copy, timeOffset)
                for number in 0..<copies {
                    put(time + UInt64(number), &copy, timeOffset)
                    buffer.append(contentsOf: copy)
                }
            } else {
                buffer.append(contentsOf: copy)
            }
            if buffer.count >= 1 << 22 { flush() }
        }
        buffer.append(contentsOf: features)
        flush()
    }
}
