import Foundation
import Testing
@testable import VMASnap

/// The ELF note reader is given untrusted files: it must find real notes and
/// answer nil, without reading past its bounds, for anything malformed.
@Suite struct ELFBuildIDReaderTests {
    /// A minimal ELF64 or ELF32 image with one PT_NOTE holding `notes`.
    static func image(is64: Bool = true, bigEndian: Bool = false, notes: [UInt8], phnum: UInt16 = 1,
                      noteOffset: UInt64? = nil, noteSize: UInt64? = nil) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: is64 ? 64 : 52)
        bytes[0...3] = [0x7F, 0x45, 0x4C, 0x46]
        bytes[4] = is64 ? 2 : 1
        bytes[5] = bigEndian ? 2 : 1
        func put(_ value: UInt64, at offset: Int, size: Int, into array: inout [UInt8]) {
            for index in 0..<size {
                let shift = bigEndian ? (size - 1 - index) * 8 : index * 8
                array[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(shift))
            }
        }
        let headerSize = bytes.count
        let entrySize = is64 ? 56 : 32
        let notesAt = UInt64(headerSize + entrySize)
        if is64 {
            put(UInt64(headerSize), at: 32, size: 8, into: &bytes)
            put(UInt64(entrySize), at: 54, size: 2, into: &bytes)
            put(UInt64(phnum), at: 56, size: 2, into: &bytes)
        } else {
            put(UInt64(headerSize), at: 28, size: 4, into: &bytes)
            put(UInt64(entrySize), at: 42, size: 2, into: &bytes)
            put(UInt64(phnum), at: 44, size: 2, into: &bytes)
        }
        var entry = [UInt8](repeating: 0, count: entrySize)
        put(4, at: 0, size: 4, into: &entry)
        if is64 {
            put(noteOffset ?? notesAt, at: 8, size: 8, into: &entry)
            put(noteSize ?? UInt64(notes.count), at: 32, size: 8, into: &entry)
            put(4, at: 48, size: 8, into: &entry)
        } else {
            put(noteOffset ?? notesAt, at: 4, size: 4, into: &entry)
            put(noteSize ?? UInt64(notes.count), at: 16, size: 4, into: &entry)
            put(4, at: 28, size: 4, into: &entry)
        }
        return bytes + entry + notes
    }

    static func note(type: UInt32 = 3, name: [UInt8] = Array("GNU\0".utf8), description: [UInt8],
                     bigEndian: Bool = false, declaredDescriptionSize: UInt32? = nil) -> [UInt8] {
        func u32(_ value: UInt32) -> [UInt8] {
            let little = [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
            return bigEndian ? little.reversed() : little
        }
        func padded(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4) }
        return u32(UInt32(name.count)) + u32(declaredDescriptionSize ?? UInt32(description.count)) + u32(type)
            + padded(name) + padded(description)
    }

    @Test(arguments: [(true, false), (true, true), (false, false), (false, true)])
    func findsTheNoteInEveryClassAndByteOrder(is64: Bool, bigEndian: Bool) {
        let id: [UInt8] = [1, 2, 3, 4, 5, 6, 7]
        let other = Self.note(type: 1, description: [9, 9, 9, 9], bigEndian: bigEndian)
        let image = Self.image(is64: is64, bigEndian: bigEndian, notes: other + Self.note(description: id, bigEndian: bigEndian))
        #expect(ELFBuildIDReader.buildID(in: image)?.bytes == id)
    }

    @Test func rejectsMalformedFilesWithoutReadingPastThem() {
        let good = Self.note(description: [0xAB, 0xCD])
        #expect(ELFBuildIDReader.buildID(in: Self.image(notes: good))?.bytes == [0xAB, 0xCD])
        // Every truncation of a valid image.
        let whole = Self.image(notes: good)
        for length in 0..<whole.count {
            #expect(ELFBuildIDReader.buildID(in: Array(whole.prefix(length))) == nil)
        }
        // A description size past the end of the segment.
        #expect(ELFBuildIDReader.buildID(in: Self.image(notes: Self.note(description: [1, 2], declaredDescriptionSize: 0xFFFF_FFF0))) == nil)
        // A note segment that claims to be huge, or to start past the file.
        #expect(ELFBuildIDReader.buildID(in: Self.image(notes: good, noteSize: 1 << 40)) == nil)
        #expect(ELFBuildIDReader.buildID(in: Self.image(notes: good, noteOffset: 1 << 62)) == nil)
        // 65535 program headers in a tiny file.
        #expect(ELFBuildIDReader.buildID(in: Self.image(notes: good, phnum: 0xFFFF)) == nil)
        // Longer than any build ID vmasnap keeps.
        #expect(ELFBuildIDReader.buildID(in: Self.image(notes: Self.note(description: [UInt8](repeating: 7, count: 65)))) == nil)
        // Not ELF at all.
        #expect(ELFBuildIDReader.buildID(in: Array("not an ELF file at all, just text".utf8)) == nil)
    }

    @Test func neverReadsMoreThanItsLimit() {
        var requested = 0
        let size: UInt64 = 1 << 40
        let header = Self.image(notes: [], noteSize: 1 << 30)
        _ = ELFBuildIDReader.buildID(fileSize: size) { offset, count in
            requested += count
            return offset < UInt64(header.count) ? Array(header[Int(offset)...].prefix(count)) + [UInt8](repeating: 0, count: max(0, count - (header.count - Int(offset)))) : [UInt8](repeating: 0, count: count)
        }
        #expect(requested <= ELFBuildIDReader.readLimit)
    }
}

/// Linkers write notes whose descriptor is not padded to 4 bytes when the
/// build ID's length is not a multiple of 4 (`--build-id=0x` and 10 bytes:
/// a 26-byte note); readelf warns, the kernel and vmasnap read it.
@Suite struct UnpaddedBuildIDTests {
    @Test func aTenByteBuildIDFromARealLinker() throws {
        let path = try TestLibraries.build(name: "tenbyte", buildID: "00112233445566778899")
        let image = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(ELFBuildIDReader.buildID(in: image)?.description == "00112233445566778899")
        let fixture = try FixtureProcess()
        _ = try fixture.dlopen(path)
        for capture in [try IoctlCapture(pid: fixture.pid) as any MappingCapture, try TextCapture(pid: fixture.pid)] {
            let mapping = try #require(try capture.capture().first { $0.path.lossyString == path })
            #expect(mapping.buildID?.description == "00112233445566778899", "\(capture.backend)")
        }
    }
}

/// An unprivileged user may not open /proc/PID/map_files (it takes
/// CAP_SYS_ADMIN): vmasnap then opens the mapped path in the process's root
/// and reads the note only from the file the mapping maps (same device and
/// inode). A 32-byte build ID (more than PROCMAP_QUERY reports), and a path
/// that now names another file (a tmpfs mounted over its directory), as
/// uid 65534.
@Suite struct UnprivilegedBuildIDTests {
    @Test func anUnprivilegedUserGetsTheBuildIDsOfItsOwnProcess() throws {
        let id = String(repeating: "5a", count: 32)
        let library = try TestLibraries.build(name: "unprivileged", buildID: id)
        let covered = TestLibraries.directory.appendingPathComponent("covered")
        try FileManager.default.createDirectory(at: covered, withIntermediateDirectories: true)
        let original = covered.appendingPathComponent("libcovered.so").path
        try? FileManager.default.removeItem(atPath: original)
        try FileManager.default.copyItem(
            atPath: try TestLibraries.build(name: "covered", buildID: String(repeating: "0b", count: 24)), toPath: original)
        let impostor = try TestLibraries.build(name: "impostor", buildID: String(repeating: "1b", count: 24))
        for path in [library, original, impostor] { chmod(path, 0o644) }
        chmod(covered.path, 0o755)
        let fixture = try BackgroundCommand(
            ["--reuid=65534", "--regid=65534", "--clear-groups", BuildProducts.fixture],
            executable: "/usr/bin/setpriv")
        fixture.send("dlopen \(library)\ndlopen \(original)\n")
        #expect(eventually(seconds: 60) {
            ((try? String(contentsOfFile: "/proc/\(fixture.pid)/maps", encoding: .utf8)) ?? "").contains(original)
        })
        // The mapped file's path now names the impostor.
        try TestLibraries.run("/bin/mount", ["-t", "tmpfs", "-o", "mode=755", "none", covered.path])
        defer { try? TestLibraries.run("/bin/umount", [covered.path]) }
        try FileManager.default.copyItem(atPath: impostor, toPath: original)
        chmod(original, 0o644)
        for backend in ["ioctl", "text"] {
            let result = try CommandResult.run(
                ["--reuid=65534", "--regid=65534", "--clear-groups", BuildProducts.vmasnap, "maps", "-p", "\(fixture.pid)",
                 "--backend", backend],
                executable: "/usr/bin/setpriv")
            #expect(result.status == 0, "\(result.standardError)")
            let line = try #require(result.lines.first { $0.hasSuffix(" " + library) })
            #expect(line.split(separator: " ")[5] == Substring(id), "\(backend)")
            // Not the impostor's: no build ID at all rather than another file's.
            let coveredLine = try #require(result.lines.first { $0.hasSuffix(" " + original) })
            #expect(coveredLine.split(separator: " ")[5] == "-", "\(backend)")
        }
        fixture.send("exit\n")
        _ = fixture.finish()
    }
}
