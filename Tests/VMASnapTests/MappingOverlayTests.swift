import Testing
@testable import VMASnap

/// `ExecutableMapping.map(_:over:)` and `unmap(_:from:)`, which replay MMAP2
/// records and munmap calls over a recorded set, against a page-by-page
/// model of what mmap and munmap leave.
@Suite struct MappingOverlayTests {
    static let page: UInt64 = 0x1000

    static func mapping(_ startPage: UInt64, _ pages: UInt64, offsetPage: UInt64, inode: UInt64) -> ExecutableMapping {
        ExecutableMapping(
            start: startPage * page, end: (startPage + pages) * page, offset: offsetPage * page,
            permissions: [.read, .execute], device: DeviceNumber(major: 8, minor: 1), inode: inode, pageSize: page,
            path: MappedPath("/lib/\(inode).so"), buildID: nil)
    }

    /// For each page of a set: the inode and file page that back it.
    static func pages(_ mappings: [ExecutableMapping]) -> [UInt64: (inode: UInt64, filePage: UInt64)] {
        var result: [UInt64: (inode: UInt64, filePage: UInt64)] = [:]
        for mapping in mappings {
            for address in stride(from: mapping.start, to: mapping.end, by: Int(page)) {
                result[address / page] = (mapping.inode, (mapping.offset + address - mapping.start) / page)
            }
        }
        return result
    }

    /// Random maps (and, with `unmapping`, munmaps among them) against the model.
    @Test(arguments: [false, true]) func randomStepsAgreeWithThePageModel(unmapping: Bool) {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var set: [ExecutableMapping] = []
            var model: [UInt64: (inode: UInt64, filePage: UInt64)] = [:]
            for step in 0..<60 {
                let startPage = UInt64.random(in: 0..<64, using: &generator)
                let pages = UInt64.random(in: 1...8, using: &generator)
                if !unmapping || Bool.random(using: &generator) {
                    let new = Self.mapping(startPage, pages, offsetPage: UInt64.random(in: 0..<16, using: &generator), inode: UInt64(step + 1))
                    ExecutableMapping.map(new, over: &set)
                    for (page, backing) in Self.pages([new]) { model[page] = backing }
                } else {
                    ExecutableMapping.unmap(startPage * Self.page..<(startPage + pages) * Self.page, from: &set)
                    for page in startPage..<(startPage + pages) { model[page] = nil }
                }
                // In address order, not overlapping, and backed page for page as mmap and munmap leave it.
                #expect(zip(set, set.dropFirst()).allSatisfy { $0.end <= $1.start && $0.start < $0.end })
                let got = Self.pages(set)
                #expect(got.count == model.count)
                #expect(got.allSatisfy { model[$0.key]?.inode == $0.value.inode && model[$0.key]?.filePage == $0.value.filePage })
            }
        }
    }
}
