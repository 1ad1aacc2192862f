import Foundation
import Testing
@testable import VMASnap

/// Issue 11, item 1: a process that maps and unmaps code while it is walked
/// (neighbouring VMAs merge and split between two answers) never makes a
/// walk return overlapping mappings, never stops a recording, and is counted.
/// The churner is the fixture's `churn`: a page of a file mapped r-x at
/// alternating offsets in a ring of 1,000, tens of thousands of maps a second.
/// Scripts/stress runs the same 50 times over; here a few runs each.
@Suite struct ConcurrentChangeTests {
    /// A file of two pages for the churner, readable by every user.
    static let churnFile: String = {
        let path = TestLibraries.directory.appendingPathComponent("churn-page.bin").path
        var bytes = [UInt8](repeating: 0, count: 8192)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 131 &+ 7) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        chmod(path, 0o644)
        chmod(TestLibraries.directory.path, 0o755)
        return path
    }()

    static func mapping(_ start: UInt64, _ end: UInt64, offset: UInt64 = 0) -> ExecutableMapping {
        ExecutableMapping(
            start: start, end: end, offset: offset, permissions: [.read, .execute], device: DeviceNumber(major: 8, minor: 1),
            inode: 42, pageSize: 4096, path: MappedPath("/lib/x.so"), buildID: nil)
    }

    /// In address order, none empty, none overlapping.
    static func isConsistent(_ mappings: [ExecutableMapping]) -> Bool {
        var previousEnd: UInt64 = 0
        for mapping in mappings {
            guard mapping.start >= previousEnd, mapping.end > mapping.start else { return false }
            previousEnd = mapping.end
        }
        return true
    }

    // MARK: The rule, answer by answer

    @Test func anAnswerThatCoversTheLastOneReplacesIt() {
        // [1,2) then, the next VMA having merged with it, [1,3).
        var walk = WalkAssembly(prefix: EmptyCollection())
        #expect(walk.take(Self.mapping(0x1000, 0x2000)) == 0x2000)
        #expect(walk.take(Self.mapping(0x1000, 0x3000)) == 0x3000)
        #expect(walk.mappings == [Self.mapping(0x1000, 0x3000)])
        #expect(walk.statistics.overlappingAnswers == 1 && walk.statistics.walksMeetingChanges == 1)
        #expect(walk.statistics.restarts == 0)
    }

    @Test func whatWasDroppedBelowTheAnswerIsAskedAgain() {
        // [1,3) was split at 2 and [2,3) merged with its neighbour: the answer
        // [2,4) overlaps it, and [1,2) may still be there.
        var walk = WalkAssembly(prefix: [Self.mapping(0x0, 0x1000)])
        #expect(walk.take(Self.mapping(0x1000, 0x3000)) == 0x3000)
        #expect(walk.take(Self.mapping(0x2000, 0x4000)) == 0x1000)
        #expect(walk.take(Self.mapping(0x1000, 0x2000)) == 0x2000)
        #expect(walk.take(Self.mapping(0x2000, 0x4000)) == 0x4000)
        #expect(walk.mappings == [Self.mapping(0x0, 0x1000), Self.mapping(0x1000, 0x2000), Self.mapping(0x2000, 0x4000)])
        #expect(walk.statistics.restarts == 1 && walk.statistics.walksOutOfRestarts == 0)
    }

    @Test func restartsRunOutAndTheWalkGoesOn() {
        var walk = WalkAssembly(prefix: EmptyCollection(), restartLimit: 2)
        _ = walk.take(Self.mapping(0x1000, 0x3000))
        #expect(walk.take(Self.mapping(0x2000, 0x4000)) == 0x1000)
        _ = walk.take(Self.mapping(0x1000, 0x3000))
        #expect(walk.take(Self.mapping(0x2000, 0x4000)) == 0x1000)
        _ = walk.take(Self.mapping(0x1000, 0x3000))
        // No restart left: the newer answer is kept, and the walk moves on.
        #expect(walk.take(Self.mapping(0x2000, 0x4000)) == 0x4000)
        #expect(walk.mappings == [Self.mapping(0x2000, 0x4000)])
        #expect(walk.statistics.restarts == 2 && walk.statistics.walksOutOfRestarts == 1)
    }

    /// A kernel that changes everything between any two answers: each answer
    /// ends above the address asked (as the kernel's do) but starts anywhere.
    /// The walk ends by itself (the address asked only goes back on a
    /// restart, and never below the frontier once they are used up), and what
    /// it returns is consistent.
    @Test(arguments: 1...20)
    func noSequenceOfChangesKeepsAWalkGoing(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let pages: UInt64 = 2048
        var walk = WalkAssembly(prefix: EmptyCollection())
        var address: UInt64 = 0
        var answers = 0
        while answers < 100_000 {
            let page = address / 4096
            guard page < pages - 1, UInt64.random(in: 0..<200, using: &generator) != 0 else { break }
            let end = (UInt64.random(in: (page + 1)...min(pages, page + 8), using: &generator)) * 4096
            let start = UInt64.random(in: 0..<(end / 4096), using: &generator) * 4096
            address = walk.take(Self.mapping(start, end))
            answers += 1
        }
        #expect(answers < 100_000)
        #expect(walk.statistics.restarts <= WalkAssembly.restartLimit)
        #expect(Self.isConsistent(walk.mappings))
    }

    // MARK: Against the real kernel

    /// Walks of a churning process, on each backend, until three of them met
    /// a change in progress (however many walks that takes): each returns
    /// mappings in address order, none overlapping.
    @Test(arguments: CaptureBackend.allCases)
    func walksOfAChurningProcessAreConsistentAndCounted(backend: CaptureBackend) throws {
        let fixture = try FixtureProcess()
        fixture.sendWithoutAnswer("churn \(Self.churnFile) 600000")
        let capture: any MappingCapture = backend == .ioctl ? try IoctlCapture(pid: fixture.pid) : try TextCapture(pid: fixture.pid)
        var walks = 0
        var inconsistent = 0
        // Counted, not timed: the limit only stops a hang (a change is met
        // about once in a few thousand text walks, more often by the ioctl).
        while capture.walkStatistics.walksMeetingChanges < 3 && walks < 200_000 {
            if !Self.isConsistent(try capture.capture()) { inconsistent += 1 }
            walks += 1
        }
        #expect(inconsistent == 0)
        #expect(capture.walkStatistics.walksMeetingChanges >= 3, "\(walks) walks")
        #expect(capture.walkStatistics.walks >= walks)
        #expect(capture.walkStatistics.overlappingAnswers >= capture.walkStatistics.walksMeetingChanges)
    }

    /// `record --interval 1ms -- churner`, a few times on each backend: status
    /// 0, and a recording that reads back whole with its index.
    @Test(arguments: CaptureBackend.allCases)
    func recordingAChurningCommandSucceeds(backend: CaptureBackend) throws {
        let directory = try RecordCommandTests.directory("churn-\(backend)")
        for run in 0..<3 {
            let file = directory + "/run\(run).data"
            let result = try CommandResult.run(["record", "--backend", backend.rawValue, "--interval", "1ms", "-o", file, "--",
                                                BuildProducts.fixture, "--script", "churn \(Self.churnFile) 1200"])
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.hasPrefix(RecordCommandTests.summaryPrefix))
            try Self.expectWhole(file, snapshotsAtLeast: 2)
        }
    }

    /// `maps -p` of a churning process never prints two mappings that overlap.
    @Test func mapsOfAChurningProcessNeverOverlap() throws {
        let fixture = try FixtureProcess()
        fixture.sendWithoutAnswer("churn \(Self.churnFile) 600000")
        for backend in ["ioctl", "text"] {
            for _ in 0..<15 {
                let result = try CommandResult.run(["maps", "-p", "\(fixture.pid)", "--backend", backend])
                #expect(result.status == 0, "\(result.standardError)")
                let mappings = result.lines.map { line -> ExecutableMapping in
                    let range = line.split(separator: " ")[0].split(separator: "-")
                    return Self.mapping(UInt64(range[0], radix: 16) ?? 0, UInt64(range[1], radix: 16) ?? 0)
                }
                #expect(Self.isConsistent(mappings))
            }
        }
    }

    /// The churner as uid 65534 under root's `record -a --interval 1ms`, and
    /// the same user recording its own churner: status 0, whole recordings.
    @Test func anUnprivilegedChurnerNeitherStopsRootsAllRecordingNorItsOwn() throws {
        let directory = try RecordCommandTests.directory("churn-user")
        chown(directory, 65534, 65534)
        let churner = try BackgroundCommand(
            ["--reuid=65534", "--regid=65534", "--clear-groups", BuildProducts.fixture, "--script",
             "churn \(Self.churnFile) 2500"],
            executable: "/usr/bin/setpriv")
        let all = try CommandResult.run(["record", "-a", "--interval", "1ms", "--duration", "1500ms", "-o", directory + "/all.data"])
        #expect(all.status == 0, "\(all.standardError)")
        try Self.expectWhole(directory + "/all.data", snapshotsAtLeast: 2)
        let reader = try RecordingReader(path: directory + "/all.data")
        #expect(reader.processes.contains { $0.command == Array("vmasnap-fixture".utf8) })
        _ = churner.finish()

        let own = try CommandResult.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", BuildProducts.vmasnap, "record", "--interval", "1ms",
             "-o", directory + "/own.data", "--", BuildProducts.fixture, "--script", "churn \(Self.churnFile) 1200"],
            executable: "/usr/bin/setpriv")
        #expect(own.status == 0, "\(own.standardError)")
        try Self.expectWhole(directory + "/own.data", snapshotsAtLeast: 2)
    }

    /// Read back with its index, not cut short, and holding what the summary says.
    static func expectWhole(_ path: String, snapshotsAtLeast minimum: Int) throws {
        let reader = try RecordingReader(path: path)
        #expect(reader.truncation == nil)
        #expect(!reader.indexWasRebuilt)
        #expect(reader.summary.snapshots >= minimum)
        #expect(reader.verify() == nil)
    }
}
