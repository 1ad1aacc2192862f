import Foundation
import Synchronization
import SystemPackage
import Testing
@testable import VMASnap

/// How the recorder gathers `--keep-symbols` tables: each build ID's file
/// opened once, as the process maps it (the maker checks each descriptor's
/// build ID), read on the collector's thread while the rounds go on, never
/// more than `symbolFilesWaitingLimit` files open and waiting, and every
/// table written before the file is finished. And the opening itself: never
/// a file a path names instead of the mapped one.
@Suite struct KeepSymbolsRecorderTests {
    /// A maker that takes its time and checks what it is given.
    final class SlowMaker: SymbolTableMaking {
        struct Counts { var calls = 0; var mismatches = 0; var buildIDs: [BuildID] = [] }
        let counts = Mutex(Counts())

        func symbolTable(of descriptor: FileDescriptor, buildID: BuildID) -> [UInt8]? {
            defer { try? descriptor.close() }
            let size = (try? descriptor.seek(offset: 0, from: .end)) ?? 0
            let found = ELFBuildIDReader.buildID(fileSize: UInt64(size)) { offset, count in
                var bytes = [UInt8](repeating: 0, count: count)
                let got = (try? bytes.withUnsafeMutableBytes { try descriptor.read(fromAbsoluteOffset: Int64(offset), into: $0) }) ?? 0
                return Array(bytes.prefix(got))
            }
            usleep(20_000)
            counts.withLock {
                $0.calls += 1
                $0.buildIDs.append(buildID)
                if found != buildID { $0.mismatches += 1 }
            }
            return Array("table of \(buildID)".utf8)
        }
    }

    @Test func everyBuildIDOnceOffTheWalksWithFewFilesOpen() throws {
        let count = Recorder.symbolFilesWaitingLimit + 8
        var libraries: [String] = []
        for index in 0..<count {
            libraries.append(try TestLibraries.build(name: "keep-\(index)", buildID: String(format: "ce11%04x", index)))
        }
        let fixture = try FixtureProcess()
        for library in libraries { _ = try fixture.dlopen(library) }
        let harness = try RecorderHarness(target: .processes([fixture.pid]))
        let maker = SlowMaker()
        harness.recorder.symbolCollector = SymbolCollector(maker: maker, system: .live)
        try harness.round()
        // The walk handed the files over and went on: most tables are still to come,
        // and no more files wait open than the limit.
        let collector = try #require(harness.recorder.symbolCollector)
        #expect(collector.waiting <= Recorder.symbolFilesWaitingLimit)
        #expect(!harness.recorder.symbolCandidates.isEmpty)
        #expect(maker.counts.withLock { $0.calls } < count)
        try harness.round()
        try harness.recorder.storeAllSymbols()
        let reader = try harness.finish()

        let mapped = Set(try reader.histories().flatMap { $0.epochs.flatMap(\.mappings) }.compactMap(\.buildID))
        let calls = maker.counts.withLock { $0 }
        #expect(calls.mismatches == 0)
        #expect(calls.buildIDs.count == Set(calls.buildIDs).count, "a build ID's file read twice")
        #expect(Set(reader.storedSymbolTables.map(\.buildID)) == mapped)
        for table in reader.storedSymbolTables {
            #expect(try table.decoded() == Array("table of \(table.buildID)".utf8))
        }
        #expect(mapped.count >= count + 2)  // the libraries, the fixture, libc, ...
    }

    /// Where /proc/PID/map_files may not be opened, the path is used only
    /// while it still names the mapped file (same device and inode).
    @Test func thePathIsUsedOnlyWhileItNamesTheMappedFile() throws {
        let library = try TestLibraries.build(name: "keep-path", buildID: "ce22ce22")
        let fixture = try FixtureProcess()
        let loaded = try fixture.dlopen(library)
        let mapping = try #require(try IoctlCapture(pid: fixture.pid, system: .live).capture().first { $0.start == loaded.start })
        var noMapFiles = SystemCalls.live
        noMapFiles.open = { path, directory, mode, options, permissions throws(Errno) in
            if String(cString: path).contains("/map_files/") { throw Errno.notPermitted }
            return try SystemCalls.live.open(path, directory, mode, options, permissions)
        }
        // Through map_files, and through the path while it is the same file.
        for system in [SystemCalls.live, noMapFiles] {
            let descriptor = try #require(MapFiles.open(pid: fixture.pid, of: mapping, system: system))
            try descriptor.close()
        }
        // Replaced on disk (a new inode at the path): only map_files reaches the mapped file.
        let copy = library + ".copy"
        try FileManager.default.copyItem(atPath: library, toPath: copy)
        #expect(rename(copy, library) == 0)
        #expect(MapFiles.open(pid: fixture.pid, of: mapping, system: noMapFiles) == nil)
        let descriptor = try #require(MapFiles.open(pid: fixture.pid, of: mapping, system: .live))
        let status = try SystemCalls.live.status(descriptor.descriptor)
        #expect(UInt64(status.inode.rawValue) == mapping.inode)
        try descriptor.close()
        // A FIFO planted at the path neither blocks nor is taken.
        try FileManager.default.removeItem(atPath: library)
        #expect(mkfifo(library, 0o600) == 0)
        #expect(MapFiles.open(pid: fixture.pid, of: mapping, system: noMapFiles) == nil)
    }
}
