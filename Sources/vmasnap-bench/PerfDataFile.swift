import Foundation

/// Just enough of perf.data to count perf's own mapping records: the data
/// section's records, each {u32 type, u16 misc, u16 size}, in the byte order
/// of the machine that recorded it (this one).
enum PerfDataFile {
    static let mmap2: UInt32 = 10

    /// Total bytes of the MMAP2 records of process `pid`, and their number.
    static func mmap2Bytes(path: String, pid: Int32) throws -> (bytes: Int, records: Int) {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        func u64(_ at: Int) -> Int {
            (0..<8).reduce(0) { $0 | Int(data[at + $1]) << (8 * $1) }
        }
        func u32(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 | UInt32(data[at + $1]) << (8 * UInt32($1)) }
        }
        guard data.count >= 104, String(decoding: data[0..<8], as: UTF8.self) == "PERFILE2" else {
            throw BenchmarkError("\(path) is not a perf.data file")
        }
        // magic, size, attr_size, attrs {offset, size}, data {offset, size}
        let dataOffset = u64(40), dataSize = u64(48)
        var position = dataOffset
        var bytes = 0, records = 0
        while position + 8 <= min(dataOffset + dataSize, data.count) {
            let type = u32(position)
            let size = Int(data[position + 6]) | Int(data[position + 7]) << 8
            guard size >= 8 else { break }
            if type == mmap2 && position + 12 <= data.count && Int32(bitPattern: u32(position + 8)) == pid {
                bytes += size
                records += 1
            }
            position += size
        }
        return (bytes, records)
    }
}
