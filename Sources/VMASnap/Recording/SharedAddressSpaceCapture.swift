/// The capture of a process that shared its parent's address space when its
/// /proc/PID/maps was opened: a vfork or CLONE_VM child before its exec
/// (glibc's posix_spawn, Python's subprocess, make, gcc's pex).
///
/// The descriptor stays bound to the address space it was opened on, so
/// after the child's exec it would go on walking the parent's mappings for
/// the child's whole life without ever failing (issue 15). Before each walk
/// this asks the kernel (kcmp KCMP_VM, see `AddressSpaceSharing`) whether
/// the two still share one; once they do not while the parent still runs,
/// the child has exec'd, and the walk fails with `processExited`, which makes
/// the recorder reopen the capture and record the exec (the path every exec
/// takes). While they share, the parent's mappings are the child's: a sample
/// in the child then is in them.
final class SharedAddressSpaceCapture: MappingCapture {
    /// The capture opened while the address space was shared (replaced if
    /// the child exec'd before its first walk).
    private(set) var base: any MappingCapture
    /// The process whose address space the descriptor is bound to.
    let parent: ProcessIdentity
    private let processes: ProcessDirectory
    private let system: SystemCalls
    /// Cleared once the parent is gone: the descriptor then reads the child's
    /// own address space (the one it kept), and an exec ends it as usual.
    private(set) var isWatching = true
    /// Opens a capture of the process anew.
    private let reopen: () throws -> any MappingCapture
    private var hasWalked = false
    /// What the walks of captures replaced by a reopen met.
    private var retiredStatistics = WalkStatistics()

    init(base: any MappingCapture, parent: ProcessIdentity, processes: ProcessDirectory, system: SystemCalls,
         reopen: @escaping () throws -> any MappingCapture) {
        self.base = base
        self.parent = parent
        self.processes = processes
        self.system = system
        self.reopen = reopen
    }

    var pid: Int32 { base.pid }
    var backend: CaptureBackend { base.backend }
    var walkStatistics: WalkStatistics { retiredStatistics + base.walkStatistics }

    func capture() throws -> [ExecutableMapping] {
        defer { hasWalked = true }
        try checkStillShared()
        return try base.capture()
    }

    func mapping(covering address: UInt64) throws -> ExecutableMapping? {
        try checkStillShared()
        return try base.mapping(covering: address)
    }

    /// - Throws: `CaptureError.processExited` once the child has its own
    ///   address space (it exec'd) while the parent still runs. Before the
    ///   first walk nothing of the old address space was recorded: the
    ///   capture is reopened instead.
    private func checkStillShared() throws {
        guard isWatching else { return }
        switch AddressSpaceSharing.compare(pid, parent.pid, system: system) {
        case .shared, .undetermined:
            return
        case .separate:
            isWatching = false
            // A parent that ended (or whose pid is another process's now)
            // says nothing about the child: it keeps the address space.
            guard processes.stat(pid: parent.pid)?.identity == parent else { return }
            guard hasWalked else {
                let reopened = try reopen()
                retiredStatistics = retiredStatistics + base.walkStatistics
                base = reopened
                return
            }
            throw CaptureError.processExited(pid: pid)
        }
    }
}
