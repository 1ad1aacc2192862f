/// Resolves perf script text against a recording's index, a line at a time:
/// every sample-line ip, and every call-chain frame that holds an address.
///
/// Call-chain frames are held until the sample ends (a blank line, the next
/// sample line, or `finish`), so that all of a sample's frames are
/// classified together (see `CallchainAddressMode`) before any is resolved.
public struct PerfScriptLookup {
    /// How call-chain frames hold user-space addresses.
    public let mode: CallchainAddressMode
    /// Under `auto`: whether the input was found to print DSO-relative
    /// frames (from then on they are reported as "relative").
    public private(set) var foundRelativeFrames = false

    private var parser = PerfScriptParser()
    private var cursor: LookupCursor
    private var sample: PerfScriptSample? = nil
    private var frames: [PerfScriptFrame] = []

    /// A reader resolving against `index`.
    ///
    /// - Parameters:
    ///   - index: the recording's index.
    ///   - mode: how call-chain frames hold user-space addresses.
    public init(index: AddressIndex, mode: CallchainAddressMode) {
        self.init(cursor: LookupCursor(index: index), mode: mode)
    }

    /// A reader resolving against a loading index (which reads a pid's
    /// histories the first time a sample asks about it).
    ///
    /// - Parameters:
    ///   - index: the recording's loading index.
    ///   - mode: how call-chain frames hold user-space addresses.
    public init(index: LoadingAddressIndex, mode: CallchainAddressMode) {
        self.init(cursor: LookupCursor(index: index), mode: mode)
    }

    private init(cursor: LookupCursor, mode: CallchainAddressMode) {
        self.mode = mode
        self.cursor = cursor
        frames.reserveCapacity(128)
    }

    /// The number of the last line read.
    public var lineNumber: Int { parser.lineNumber }

    /// Reads one line (without its newline), giving `answer` every address
    /// it completes, in input order.
    ///
    /// - Throws: `InputError` for a line it cannot read, and what `answer` throws.
    public mutating func read(line: UnsafeBufferPointer<UInt8>, answer: (PerfScriptAnswer) throws -> Void) throws {
        switch try parser.parse(line: line) {
        case .sample(let next):
            try finish(answer: answer)
            if let address = next.address {
                // The ip on a sample line is always printed as an address.
                let resolution = cursor.resolve(pid: next.pid, time: next.time, address: address)
                try answer(PerfScriptAnswer(pid: next.pid, time: next.time, address: address, resolution: resolution, isFrame: false))
            }
            sample = next
        case .frame(let frame):
            frames.append(frame)
        case .blank, .ignored:
            try finish(answer: answer)
        }
    }

    /// Reads one line given as bytes.
    ///
    /// - Throws: `InputError` for a line it cannot read, and what `answer` throws.
    public mutating func read<Bytes: Collection>(line: Bytes, answer: (PerfScriptAnswer) throws -> Void) throws where Bytes.Element == UInt8 {
        let bytes = Array(line)
        try bytes.withUnsafeBufferPointer { try read(line: $0, answer: answer) }
    }

    /// Ends the current sample: classifies and resolves its frames. Call it
    /// once at the end of the input.
    ///
    /// - Throws: what `answer` throws.
    public mutating func finish(answer: (PerfScriptAnswer) throws -> Void) throws {
        defer {
            sample = nil
            frames.removeAll(keepingCapacity: true)
        }
        guard let sample, !frames.isEmpty else { return }
        let relative: Bool
        switch mode {
        case .absolute: relative = false
        case .relative: relative = true
        case .auto:
            if !foundRelativeFrames && hasOffsetFrame(sample) { foundRelativeFrames = true }
            relative = foundRelativeFrames
        }
        for frame in frames {
            let resolution: Resolution
            if relative && frame.value < ResolutionStatus.kernelAddressStart && frame.dso != .unknown {
                resolution = Resolution(status: .relative)
            } else {
                resolution = cursor.resolve(pid: sample.pid, time: sample.time, address: frame.value)
            }
            try answer(PerfScriptAnswer(pid: sample.pid, time: sample.time, address: frame.value, resolution: resolution, isFrame: true))
        }
    }

    /// Whether a user-space frame of the sample lies below every mapping of
    /// its process at that time: then it can only be an offset.
    private mutating func hasOffsetFrame(_ sample: PerfScriptSample) -> Bool {
        guard let lowest = cursor.lowestMappedAddress(pid: sample.pid, time: sample.time) else { return false }
        for frame in frames where frame.value != 0 && frame.dso != .unknown && frame.value < lowest {
            return true
        }
        return false
    }
}
