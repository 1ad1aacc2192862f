extension RecordingReader {
    /// The windows in which kernel events may be missing (LOST records,
    /// format 1.2, Formats/vmasnap.md §3.7), in file order, both ends
    /// included, in nanoseconds on the header's clock. A change a kernel event
    /// dated inside one is read as found by a walk. Empty in files before 1.2.
    public var lossWindows: [ClosedRange<Int64>] {
        index.lossWindows.map { absolute($0.first)...absolute($0.last) }
    }
}
