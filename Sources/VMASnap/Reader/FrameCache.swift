/// The frames a reader decoded last, with their digests, so that replaying
/// many processes over the same frames (a lookup of every pid of a
/// `record -a` file) reads, decompresses and walks each frame once, not once
/// per process. Bounded in bytes; the oldest frame goes first.
struct FrameCache {
    /// Bytes held at most (payloads and digests).
    static let capacity = 8 << 20

    private struct Entry {
        var frame: DecodedFrame
        var digest: FrameDigest?
        var bytes: Int
    }

    private var entries: [UInt64: Entry] = [:]
    /// Offsets in the order they were inserted.
    private var order: [UInt64] = []
    private var oldest = 0
    private var bytes = 0

    /// The frame at `offset`, if held.
    func frame(at offset: UInt64) -> DecodedFrame? { entries[offset]?.frame }

    /// The digest of the frame at `offset`, if held.
    func digest(at offset: UInt64) -> FrameDigest? { entries[offset]?.digest }

    /// Holds `frame`, letting the oldest go while over capacity. A frame
    /// larger than the whole capacity is not held.
    mutating func insert(_ frame: DecodedFrame) {
        guard frame.payload.count <= Self.capacity, entries[frame.offset] == nil else { return }
        entries[frame.offset] = Entry(frame: frame, digest: nil, bytes: frame.payload.count)
        order.append(frame.offset)
        grow(by: frame.payload.count)
    }

    /// Holds `digest` with the frame at `offset`, if that frame is held.
    mutating func insert(_ digest: FrameDigest, at offset: UInt64) {
        guard entries[offset] != nil else { return }
        // Four bytes a start, and about a dictionary slot a process.
        let size = 4 * (digest.rounds.count + digest.records.values.reduce(0) { $0 + $1.count }) + 64 * digest.records.count
        entries[offset]!.digest = digest
        entries[offset]!.bytes += size
        grow(by: size)
    }

    private mutating func grow(by size: Int) {
        bytes += size
        while bytes > Self.capacity, oldest < order.count {
            if let gone = entries.removeValue(forKey: order[oldest]) { bytes -= gone.bytes }
            oldest += 1
        }
        if oldest > 1024, oldest * 2 > order.count {
            order.removeFirst(oldest)
            oldest = 0
        }
    }
}
