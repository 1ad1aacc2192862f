import Foundation
import VMASnap

/// Builds BENCHMARKS.md's tables.
final class Report {
    private(set) var text = ""

    func line(_ line: String = "") { text += line + "\n" }

    static func microseconds(_ nanoseconds: Double) -> String { String(format: "%.1f", nanoseconds / 1000) }
    static func ratio(_ value: Double) -> String { String(format: "%.2f×", value) }

    func captureTables(_ rows: [CaptureBenchmark.Row]) {
        line("## Steady-state snapshot against the kernel's floor and against text (3a, 3b)")
        line()
        line("Per walk of one process, median µs. *floor*: a bare C loop of the ioctl walk (no names, no build IDs). "
            + "*vmasnap*: `IoctlCapture.capture()`, the recorder's hot path (names and build IDs cached). "
            + "*text*: `TextCapture.capture()`, reading and parsing /proc/PID/maps with the hand-written parser. "
            + "Goals: vmasnap ≤ 1.25× floor everywhere; text ≥ 3× vmasnap at N = 10000, K = 100.")
        line()
        line("| N anon | K exec | VMAs | floor µs | vmasnap µs | text µs | vmasnap / floor | text / vmasnap |")
        line("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            line("| \(row.anonymous) | \(row.executable) | \(row.totalVMAs) | \(Self.microseconds(row.floor)) | "
                + "\(Self.microseconds(row.steady)) | \(Self.microseconds(row.text)) | \(Self.ratio(row.steady / row.floor)) | "
                + "\(Self.ratio(row.text / row.steady)) |")
        }
        line()
        line("## First snapshot: names and build IDs fetched (3c)")
        line()
        line("A new capture each time: open /proc/PID/maps and walk with names and build IDs (*vmasnap*), against "
            + "open, read, parse and read each file's build ID from its ELF notes through /proc/PID/map_files (*text*).")
        line()
        line("| N anon | K exec | vmasnap µs | text + build IDs µs | text / vmasnap |")
        line("|---:|---:|---:|---:|---:|")
        for row in rows {
            line("| \(row.anonymous) | \(row.executable) | \(Self.microseconds(row.first)) | \(Self.microseconds(row.textFirst)) | "
                + "\(Self.ratio(row.textFirst / row.first)) |")
        }
        line()
    }

    func fileSizeTables(_ size: FileSizeBenchmark.Result) {
        func bytes(_ value: Double) -> String { String(format: "%.2f", value) }
        line("## File size (3e)")
        line()
        line("Real captures written by the real `RecordingWriter` (zstd level 3, one frame flushed a second). "
            + "Goals: an unchanged snapshot < 2 bytes; a keyframe < 12 bytes a mapping.")
        line()
        line("| what | bytes |")
        line("|---|---:|")
        line("| unchanged snapshot, `record -p` at 100 Hz (1 process, \(size.mappings) mappings) | \(bytes(size.unchanged100Hz)) |")
        line("| unchanged snapshot, `record -p` at 10 Hz | \(bytes(size.unchanged10Hz)) |")
        line("| unchanged snapshot, `record -a` at 1 Hz (\(size.allProcesses) processes of this machine) | \(bytes(size.unchangedAllProcesses)) |")
        line("| keyframe, a mapping, periodic (paths and build IDs already in the file) | \(bytes(size.periodicKeyframePerMapping)) |")
        line("| keyframe, a mapping, first of its process (defines \(size.mappings) paths, build IDs, files) | \(bytes(size.firstKeyframePerMapping)) |")
        line("| first round of `record -a`, a mapping (\(size.allMappings) mappings, definitions included) | \(bytes(size.allFirstRoundPerMapping)) |")
        line()
        line("The same process (\(size.mappings) executable mappings, \(size.mapsText) bytes of /proc/PID/maps text), stored other ways:")
        line()
        line("| representation | bytes | bytes a mapping | × vmasnap keyframe |")
        line("|---|---:|---:|---:|")
        let keyframe = Double(size.keyframeBytes)
        func row(_ name: String, _ total: Int) {
            line("| \(name) | \(total) | \(bytes(Double(total) / Double(size.mappings))) | \(Self.ratio(Double(total) / keyframe)) |")
        }
        row("vmasnap periodic keyframe", size.keyframeBytes)
        row("vmasnap first keyframe (with its definitions)", Int(size.firstKeyframePerMapping * Double(size.mappings)))
        row("perf's MMAP2 records in perf.data (\(size.perfMMAP2Records) records, `perf record -p`)", size.perfMMAP2Bytes)
        row("zstd -3 of the whole /proc/PID/maps text", size.mapsTextZstd)
        row("zstd -3 of its executable file-backed lines", size.executableLinesZstd)
        line()
    }

    func recorderTable(_ rows: [RecorderBenchmark.Row], seconds: Double) {
        line("## Recorder CPU (3d)")
        line()
        line("CPU seconds (user + system, from wait4) per wall second of `vmasnap record` over \(Int(seconds)) s, median of 2 runs, "
            + "the two backends alternating.")
        line()
        line("| recording | snapshots | ioctl CPU s / s | text CPU s / s | text / ioctl |")
        line("|---|---:|---:|---:|---:|")
        for row in rows {
            line("| \(row.name) | \(row.snapshots) | \(String(format: "%.4f", row.ioctl)) | \(String(format: "%.4f", row.text)) | \(Self.ratio(row.text / row.ioctl)) |")
        }
        line()
    }

    func lookupTables(_ result: LookupBenchmark.Result, note: () -> Void = {}) {
        line("## Lookups (3f)")
        line()
        note()
        line("A synthetic recording written by the real writer: 50 processes × \(result.rounds / 36_000 == 1 ? "1 hour" : "\(result.rounds / 10) s") × 10 Hz "
            + "(\(result.snapshots) snapshots, \(result.fileBytes) bytes), 40–80 libraries a process, a load or unload every ~2 minutes "
            + "per process, one process in ten replaced (pid reused). Goals: open + index < 1 s; ≥ 3M random and ≥ 10M sorted lookups a second.")
        line()
        line("| what | result | goal |")
        line("|---|---:|---:|")
        line("| open + index (RecordingReader + AddressIndex), index at the end | \(String(format: "%.3f", result.openIndexed)) s | < 1 s |")
        line("| open + index, index missing (rebuilt by scanning, as after SIGKILL) | \(String(format: "%.3f", result.openRebuilt)) s | |")
        line("| random lookups (batch `resolve`) | \(String(format: "%.1f", result.randomPerSecond / 1e6))M / s | 3M / s |")
        line("| sorted lookups (batch `resolve`) | \(String(format: "%.1f", result.sortedPerSecond / 1e6))M / s | 10M / s |")
        line("| sorted lookups (`LookupCursor`, one at a time) | \(String(format: "%.1f", result.cursorSortedPerSecond / 1e6))M / s | |")
        line()
        line("\(String(format: "%.0f", result.answered * 100))% of the queries fall in a mapping; the rest resolve to unmapped, before-first-snapshot or after-exit.")
        line()
    }

    func pidLookupTable(_ rows: [PIDLookupBenchmark.Row], note: () -> Void = {}) {
        line("## One lookup in each of many pids (`vmasnap lookup` on a `record -a` file)")
        line()
        note()
        line("Synthetic `record -a` recordings by the real writer: a minute at 10 Hz, processes starting all through it "
            + "(most live a few seconds, one in ten throughout), 10–40 of 300 libraries each, one in five loading another later. "
            + "Each pid is looked up once, in time order. *Lazy*: `RecordingReader` and a `LoadingAddressIndex` (each pid's "
            + "histories read when first asked, as `vmasnap lookup` does); *up front*: `RecordingReader` and an `AddressIndex` of "
            + "every history. Both include opening the file; medians, interleaved. *CLI*: `vmasnap lookup FILE --stdin`, one line "
            + "a pid, whole process. Goal: the CLI under 1 s for 10,000 pids.")
        line()
        line("| pids | file bytes | lazy s | up front s | lazy / up front | CLI s |")
        line("|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            let command = row.command.map { String(format: "%.3f", $0) } ?? "—"
            line("| \(row.pids) | \(row.fileBytes) | \(String(format: "%.3f", row.lazy)) | \(String(format: "%.3f", row.upFront)) "
                + "| \(Self.ratio(row.lazy / row.upFront)) | \(command) |")
        }
        line()
    }

    func memoryTable(_ result: MemoryBenchmark.Result, note: () -> Void = {}) {
        line("## Memory (issue 6)")
        line()
        note()
        line("Peak resident memory (wait4's ru_maxrss) of one command on a \(result.fileBytes >> 20) MiB recording "
            + "(200 processes whose libraries move every round). Goal: a 1 GB recording opens in under 100 MB.")
        line()
        line("| command | peak resident |")
        line("|---|---:|")
        line("| `vmasnap info FILE` (open: header, index, definitions, summary) | \(result.infoMaxRSS / 1024) MiB |")
        line("| `vmasnap lookup FILE --pid P --time T ADDR` (one process's history) | \(result.lookupMaxRSS / 1024) MiB |")
        line()
        let samples = result.recorderRSS
        if let first = samples.first, let last = samples.last, let peak = samples.max() {
            line("The recorder over a long `-a` run: \(result.recorderRounds) rounds at a 5 ms interval (the rounds of "
                + "\(String(format: "%.1f", Double(result.recorderRounds) / 3600)) hours at 1 Hz), resident memory sampled every second: "
                + "first \(first) KiB, last \(last) KiB, peak \(peak) KiB.")
            line()
        }
    }

    func perfResolveTable(_ result: PerfResolveBenchmark.Result, note: () -> Void = {}) {
        func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
        func rate(_ count: Int, _ seconds: Double) -> String { String(format: "%.2f M", Double(count) / seconds / 1e6) }
        let frames = result.frames
        line("## perf-resolve against perf script (issue 13)")
        line()
        note()
        line("A real `perf record -g` (perf's default clock, converted with the recording's measurements) of the fixture "
            + "spinning in a library 24 calls deep, recorded with `vmasnap record` alongside; its SAMPLE records repeated "
            + "\(result.copies)× in place (each copy 1 ns later) to make a \(megabytes(result.fileBytes)) MB perf.data of "
            + "\(result.samples) samples and \(frames) frames (\(String(format: "%.1f", Double(frames) / Double(max(result.samples, 1)))) a sample; "
            + "\(String(format: "%.1f", result.exactFraction * 100))% of them exact). Every contender ran once a round, rounds "
            + "interleaved; medians. Goal: at least 5 million frames a second on one core, memory bounded by the largest round.")
        line()
        line("| contender | wall s | CPU s | frames / CPU s | peak RSS MB | × perf script (CPU) |")
        line("|---|---:|---:|---:|---:|---:|")
        let perfCPU = result.perfScript.cpu.median
        func row(_ name: String, _ run: PerfResolveBenchmark.Run) {
            line("| \(name) | \(String(format: "%.2f", run.wall.median)) | \(String(format: "%.2f", run.cpu.median)) | "
                + "\(rate(frames, run.cpu.median)) | \(megabytes(run.maxRSSKilobytes * 1024)) | \(Self.ratio(perfCPU / run.cpu.median)) |")
        }
        row("`perf script -F pid,tid,time,ip,dso --ns` (text to /dev/null)", result.perfScript)
        row("`vmasnap perf-resolve` (text to /dev/null)", result.resolveText)
        row("`vmasnap perf-resolve --json` (to /dev/null)", result.resolveJSON)
        line("| library: read, order, decode, resolve (no output), in process | – | \(String(format: "%.2f", result.librarySeconds)) | "
            + "\(rate(frames, result.librarySeconds)) | – | \(Self.ratio(perfCPU / result.librarySeconds)) |")
        line()
        line("The reader held at most \(megabytes(result.largestHeldBytes)) MB of records for ordering (about two of perf's "
            + "rounds), for a \(megabytes(result.fileBytes)) MB file.")
        line()
    }
}
