/// Why a recording left a process out or stopped following it, other than
/// permission or the process exiting: kept for the recorder's summary.
public struct ProcessFailure: Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public enum Cause: Hashable, Sendable {
        /// Reading its mappings (an I/O error, too many open files, a query
        /// the kernel rejected).
        case capture(CaptureError)
        /// Recording them (a snapshot larger than a frame may hold).
        case writer(WriterError)
    }

    /// The process.
    public var pid: Int32
    /// What failed.
    public var cause: Cause

    /// "process 4242: …".
    public var description: String {
        switch cause {
        case .capture(let error): return "process \(pid): \(error)"
        case .writer(let error): return "process \(pid): \(error)"
        }
    }
}
