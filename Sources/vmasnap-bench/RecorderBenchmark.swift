import Foundation
import VMASnap

/// 3d: the recorder's CPU, CPU seconds per wall second of `vmasnap record`
/// (user + system, from wait4's rusage), ioctl and text backends side by side.
struct RecorderBenchmark {
    struct Row {
        var name: String
        var ioctl: Double
        var text: Double
        var snapshots: String
    }

    let vmasnap: String
    let fixture: String
    let mappedFile: String
    let seconds: Double

    func run() throws -> [Row] {
        let target = try TargetProcess(fixture: fixture, anonymous: 10_000, executable: 100, mappedFile: mappedFile)
        var rows: [Row] = []
        var single = (ioctl: Samples(), text: Samples())
        var all = (ioctl: Samples(), text: Samples())
        // Alternate the backends so that both see the same machine.
        for _ in 0..<2 {
            single.ioctl.add(try cpu(["-p", "\(target.pid)", "--interval", "10ms", "--backend", "ioctl"]))
            single.text.add(try cpu(["-p", "\(target.pid)", "--interval", "10ms", "--backend", "text"]))
            all.ioctl.add(try cpu(["-a", "--interval", "1s", "--backend", "ioctl"]))
            all.text.add(try cpu(["-a", "--interval", "1s", "--backend", "text"]))
        }
        rows.append(Row(name: "`record -p` at 100 Hz, one process (N = 10000, K = 100)", ioctl: single.ioctl.median,
                        text: single.text.median, snapshots: "100/s"))
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc").filter { Int($0) != nil }.count) ?? 0
        rows.append(Row(name: "`record -a` at 1 Hz, this machine (\(processes) processes)", ioctl: all.ioctl.median,
                        text: all.text.median, snapshots: "\(processes)/s"))
        return rows
    }

    /// CPU seconds per wall second of one `record` run.
    private func cpu(_ arguments: [String]) throws -> Double {
        let output = NSTemporaryDirectory() + "vmasnap-bench-record.data"
        let argv = [vmasnap, "record", "-o", output, "--duration", "\(seconds)s"] + arguments
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: output + ".old")
        }
        let run = try ChildRun.spawn(argv)
        return run.cpu / run.wall
    }
}
