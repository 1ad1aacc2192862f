import Foundation

extension Report {
    func trackingTables(_ result: TrackingBenchmark.Result) {
        func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        line("## Kernel events: what tracking costs (issue 12)")
        line()
        line("The traced program's own CPU time (CLOCK_PROCESS_CPUTIME_ID, measured by the program) per dlopen + dlclose "
            + "pair of a small library, \(result.pairs) pairs a run, median of the runs, every tracer in turn in each round. "
            + "vmasnap's reader runs a recorder-like loop (poll, drain, a 10 ms timer, the policy named); perf writes its perf.data.")
        line()
        line("| tracer | µs a pair | × no tracing |")
        line("|---|---:|---:|")
        let none = result.pairCost.first?.microseconds ?? .nan
        for row in result.pairCost {
            line("| \(row.tracer.name) | \(format(row.microseconds, 2)) | \(Self.ratio(row.microseconds / none)) |")
        }
        if !result.perfWorks { line("| `perf record` | not installed | |") }
        line()
        line("The reader's own CPU (the draining thread's CLOCK_THREAD_CPUTIME_ID), median of the runs: "
            + "\(format(result.readerNanosecondsPerRecord.median, 0)) ns a record when a drain finds a burst (MMAP2 records), "
            + "\(format(result.readerNanosecondsPerEmptyDrain.median, 0)) ns for a drain that finds nothing.")
        line()
        line("### Syscall tracepoints slow every syscall on the machine")
        line()
        line("An untraced process's getppid(), ns a call (median of the rounds), while other events are open elsewhere.")
        line()
        line("| open elsewhere | ns a getppid | × nothing open |")
        line("|---|---:|---:|")
        let baseline = result.syscallRows.first?.nanoseconds ?? .nan
        for row in result.syscallRows {
            line("| \(row.name) | \(format(row.nanoseconds, 0)) | \(Self.ratio(row.nanoseconds / baseline)) |")
        }
        if !result.tracepointsPermitted { line("| syscall tracepoints | not permitted here | |") }
        line()
        line("### Bursts: mmap + munmap loops against buffer sizes")
        line()
        line("A traced program maps and unmaps a page of a file (one MMAP2 record each, two more samples with tracepoints); "
            + "the reader is woken at 512 bytes and every 5 ms. Records read, records the kernel reported lost, and reads that "
            + "found a buffer too full to be sure nothing was dropped (each a loss window the recorder must treat as such).")
        line()
        line("| buffer, load | records read | lost | buffers found full |")
        line("|---|---:|---:|---:|")
        for row in result.burstRows { line("| \(row.name) | \(row.delivered) | \(row.lost) | \(row.fullBuffers) |") }
        line()
        line("### From an exec to its mappings in the reader's hands")
        line()
        func percentiles(_ values: [Int64]) -> String {
            guard !values.isEmpty else { return "n/a | n/a | n/a" }
            let sorted = values.sorted()
            func at(_ fraction: Double) -> String { "\(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))])" }
            return "\(at(0.5)) | \(at(0.9)) | \(sorted.last!)"
        }
        line("Children that each exec /bin/true: from the exec's COMM record time to the return of the `drain()` that "
            + "handed on libc's MMAP2 in the new image (the last of its start-up mappings). Finality margin 200 µs; "
            + "the loop also drains when the oldest waiting record becomes final.")
        line()
        line("| reader | children | median µs | p90 µs | max µs |")
        line("|---|---:|---:|---:|---:|")
        for row in result.execLatencies {
            line("| \(row.policy.name) | \(row.microseconds.count) | \(percentiles(row.microseconds)) |")
        }
        line()
        line("### -p: descriptors for a process's threads")
        line()
        line("Threads that exist when tracking starts each need events of their own, on every CPU, all writing into one "
            + "buffer per CPU (SET_OUTPUT); the buffers' owners add one a CPU.")
        line()
        line("| threads | descriptors | with 8 syscall tracepoints | time to open (tracking only) |")
        line("|---:|---:|---:|---:|")
        for row in result.fanOutRows {
            line("| \(row.threads) | \(row.tracking) | \(row.withTracepoints.map(String.init) ?? "not permitted") | \(format(row.openMilliseconds, 2)) ms |")
        }
        line()
    }
}
