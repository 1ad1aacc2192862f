extension RecordingReader {
    /// Every record in file order, each frame announced by a `.frame`
    /// element. Iteration stops at the first frame that fails its checks,
    /// and `truncation` then says where.
    public func records() -> RecordingRecords { RecordingRecords(reader: self) }
}
