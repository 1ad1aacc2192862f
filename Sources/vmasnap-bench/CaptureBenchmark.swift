import CProcmapQuery
import Foundation
import VMASnap

/// 3a-3c: the kernel's floor, vmasnap's steady-state and first snapshots, and
/// text parsing, measured interleaved on the same target process.
struct CaptureBenchmark {
    struct Row {
        var anonymous: Int
        var executable: Int
        var totalVMAs: Int
        var floor: Double
        var steady: Double
        var text: Double
        var first: Double
        var textFirst: Double
    }

    let fixture: String
    let mappedFile: String
    /// Wall-clock budget per configuration, in seconds.
    let budget: Double

    func run(anonymous: Int, executable: Int) throws -> Row {
        let target = try TargetProcess(fixture: fixture, anonymous: anonymous, executable: executable, mappedFile: mappedFile)
        let pid = target.pid
        let total = try MapsCount.lines(pid: pid).count
        let k = try MapsCount.executableFileBacked(pid: pid)
        let fd = open("/proc/\(pid)/maps", O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        let steadyCapture = try IoctlCapture(pid: pid)
        let textCapture = try TextCapture(pid: pid)
        // Warm up, and check that everyone sees the same K mappings.
        let warm = try steadyCapture.capture()
        guard vmasnap_floor_walk(fd) == warm.count, try textCapture.capture().count == warm.count, warm.count == k else {
            throw BenchmarkError("backends disagree on K for N=\(anonymous)")
        }

        var floor = Samples(), steady = Samples(), text = Samples(), first = Samples(), textFirst = Samples()
        // One walk costs ~0.1 us a VMA; batch enough walks to take ~2 ms.
        let batch = max(1, 2_000_000 / (total * 120 + k * 700))
        let deadline = Clock.now() + Int64(budget * 1e9)
        var round = 0
        while Clock.now() < deadline || round < 5 {
            // Rotate the order so that no contender always runs first.
            let order = [0, 1, 2, 3, 4].shuffled()
            for contender in order {
                switch contender {
                case 0: floor.add(Clock.perCall(iterations: batch) { _ = vmasnap_floor_walk(fd) })
                case 1: steady.add(try Clock.perCall(iterations: batch) { _ = try steadyCapture.capture() })
                case 2: text.add(try Clock.perCall(iterations: batch) { _ = try textCapture.capture() })
                case 3:
                    // A new capture: open /proc/PID/maps, names and build IDs fetched.
                    first.add(try Clock.perCall(iterations: max(1, batch / 8)) { _ = try IoctlCapture(pid: pid).capture() })
                default:
                    // A new text capture: open, read, parse, build IDs from the ELF notes.
                    textFirst.add(try Clock.perCall(iterations: max(1, batch / 8)) { _ = try TextCapture(pid: pid).capture() })
                }
            }
            round += 1
        }
        return Row(anonymous: anonymous, executable: k, totalVMAs: total, floor: floor.median, steady: steady.median,
                   text: text.median, first: first.median, textFirst: textFirst.median)
    }
}
