import VMASnap

/// A line on a terminal's stderr that shows how far a long read has come,
/// rewritten in place at most four times a second.
final class ProgressLine {
    private let total: UInt64
    private let what: String
    private var shown = false
    private var lastShown: Int64 = 0

    /// Files smaller than this are read too fast to need one.
    static let threshold: UInt64 = 64 << 20

    /// A progress line when stderr is a terminal and the input is a large
    /// file of `size` bytes; nil otherwise.
    static func forLargeInput(size: UInt64?, what: String) -> ProgressLine? {
        guard let size, size >= threshold, StandardStreams.isTerminal(.standardError) else { return nil }
        return ProgressLine(total: size, what: what)
    }

    private init(total: UInt64, what: String) {
        self.total = total
        self.what = what
    }

    /// Shows `bytesRead` of the total, if a quarter second has passed.
    func show(bytesRead: UInt64) {
        let now = RecordingHeader.monotonicNow()
        guard now - lastShown >= 250_000_000 else { return }
        lastShown = now
        let percent = total == 0 ? 100 : Int(min(bytesRead, total) * 100 / total)
        write("\rvmasnap \(what): \(percent)% of \(StatusLine.megabytes(total)) MB\u{1B}[K")
        shown = true
    }

    /// Erases the line.
    func clear() {
        guard shown else { return }
        write("\r\u{1B}[K")
        shown = false
    }

    /// A failure is ignored: the progress line is only a courtesy.
    private func write(_ text: String) {
        try? StandardStreams.write(Array(text.utf8), to: .standardError)
    }
}
