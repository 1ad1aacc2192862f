extension RecordingReader {
    /// What the recorder met (a RECORDER_REPORT record, format 1.1): walks,
    /// walks that met a change, and the kernel events' counts when they were
    /// on. Nil when unknown: the recorder was killed before it finished, or
    /// wrote no report (older files). Whether events were on is
    /// `header.kernelEvents`, known from the start.
    public var recorderReport: RecorderReport? { definitions.recorderReport }
}
