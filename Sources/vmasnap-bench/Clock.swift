#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC and process CPU time, in nanoseconds.
enum Clock {
    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Nanoseconds that `body` takes, divided by `iterations`.
    static func perCall(iterations: Int, _ body: () throws -> Void) rethrows -> Double {
        let start = now()
        for _ in 0..<iterations { try body() }
        return Double(now() - start) / Double(iterations)
    }
}
