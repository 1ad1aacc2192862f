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
}
