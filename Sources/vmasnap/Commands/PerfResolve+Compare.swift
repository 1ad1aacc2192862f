import VMASnap

extension PerfResolve {
    /// The --compare report: frames by the recording's status and perf's
    /// answer, the differences by cause with their explanations, and the
    /// first differing samples.
    static func printComparison(_ comparison: PerfComparison, resolver: PerfSampleResolver, json: Bool, output: StandardOutput) throws {
        if json {
            var writer = JSONWriter()
            writer.beginObject()
            writer.integer("samples", resolver.statistics.resolvedSamples)
            writer.integer("frames", resolver.statistics.frames)
            writer.integer("kernel_frames", comparison.kernelFrames)
            writer.integer("perf_file_frames", comparison.perfFileFrames)
            writer.integer("same_file_and_offset", comparison.sameFrames)
            writer.integer("different_frames", comparison.differentFrames)
            writer.integer("differing_samples", comparison.differingSamples)
            writer.beginObject("by_status")
            for status in ResolutionStatus.allCases where status != .kernel {
                let row = comparison.frames[Int(status.rawValue)]
                guard row.reduce(0, +) > 0 else { continue }
                writer.beginObject(status.description)
                writer.integer("same", row[PerfComparison.PerfKind.same.rawValue])
                writer.integer("perf_other_file", row[PerfComparison.PerfKind.otherFile.rawValue])
                writer.integer("perf_no_file", row[PerfComparison.PerfKind.noFile.rawValue])
                writer.endObject()
            }
            writer.endObject()
            writer.beginObject("causes")
            for cause in PerfComparison.Cause.allCases where comparison.causes[cause.rawValue] > 0 {
                writer.integer(cause.name, comparison.causes[cause.rawValue])
            }
            writer.endObject()
            writer.beginArray("first_differences")
            for difference in comparison.firstDifferences {
                writer.beginObject()
                writer.integer("pid", difference.pid)
                writer.integer("tid", difference.tid)
                writer.number("time", literal: TimeText.format(nanoseconds: Int64(bitPattern: difference.time)))
                writer.integer("frame", difference.frame)
                writer.string("address", AddressText.format(difference.address))
                writer.string("status", difference.status.description)
                writer.bytes("path", difference.path?.bytes)
                writer.string("file_offset", difference.offset.map(AddressText.format))
                writer.bytes("perf_path", difference.perfPath)
                writer.string("perf_file_offset", difference.perfOffset.map(AddressText.format))
                writer.string("cause", difference.cause.name)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            try output.line(bytes: writer.text)
            return
        }
        let userFrames = resolver.statistics.frames - comparison.kernelFrames
        try output.line("perf-resolve --compare: \(resolver.statistics.resolvedSamples) samples, \(userFrames) user-space frames "
            + "compared (\(comparison.kernelFrames) kernel frames not compared)")
        let perfFile = comparison.perfFileFrames
        try output.line("perf attributes \(perfFile) frames to a file mapping; the recording resolves \(comparison.sameFrames) of them "
            + "to the same file and offset (\(percent(comparison.sameFrames, of: perfFile)))")
        try output.line("")
        try output.line(pad("recording's status", 24) + pad("frames", 10, right: true) + pad("same as perf", 14, right: true)
            + pad("perf: other file", 18, right: true) + pad("perf: no file", 15, right: true))
        for status in ResolutionStatus.allCases where status != .kernel {
            let row = comparison.frames[Int(status.rawValue)]
            let total = row.reduce(0, +)
            guard total > 0 else { continue }
            try output.line(pad(status.description, 24) + pad("\(total)", 10, right: true)
                + pad("\(row[PerfComparison.PerfKind.same.rawValue])", 14, right: true)
                + pad("\(row[PerfComparison.PerfKind.otherFile.rawValue])", 18, right: true)
                + pad("\(row[PerfComparison.PerfKind.noFile.rawValue])", 15, right: true))
        }
        try output.line("")
        if comparison.differentFrames == 0 {
            try output.line("no differences")
            return
        }
        try output.line("\(comparison.differentFrames) frames of \(comparison.differingSamples) samples differ, by cause:")
        for cause in PerfComparison.Cause.allCases where comparison.causes[cause.rawValue] > 0 {
            try output.line("  \(comparison.causes[cause.rawValue]) \(cause.name): \(cause)")
        }
        try output.line("")
        try output.line("first differing samples (frame 0 is the ip):")
        for difference in comparison.firstDifferences {
            let ours = difference.path.map { "\(TextEscaping.escape($0.bytes)) \(AddressText.format(difference.offset ?? 0))" } ?? "no file"
            let perfs = difference.perfPath.map { "\(TextEscaping.escape($0)) \(AddressText.format(difference.perfOffset ?? 0))" } ?? "no file"
            try output.line("  \(difference.pid)/\(difference.tid) \(TimeText.format(nanoseconds: Int64(bitPattern: difference.time))) "
                + "frame \(difference.frame) \(AddressText.format(difference.address)): recording \(difference.status) \(ours); "
                + "perf \(perfs) [\(difference.cause.name)]")
        }
    }

    private static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "-" }
        let tenths = Int((Double(part) * 1000 / Double(whole)).rounded(.down))
        return "\(tenths / 10).\(tenths % 10)%"
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
