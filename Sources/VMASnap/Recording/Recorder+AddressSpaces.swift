/// Captures bound to the process's own address space (issue 15).
extension Recorder {
    /// Opens a capture of `entry` that reads its own address space, or one
    /// that knows it reads its parent's (`SharedAddressSpaceCapture`) when
    /// the two share one (a vfork or CLONE_VM child that has not exec'd).
    ///
    /// A process that does not share its parent's address space never comes
    /// to (sharing is decided at clone), so one comparison before the open is
    /// enough for the common case; one that shares is compared again after
    /// the open, since it may have exec'd in between (the descriptor may then
    /// be bound to either address space, and is opened again).
    ///
    /// - Throws: `CaptureError`, as opening a capture does.
    func openOwnCapture(_ entry: ProcessStat) throws -> any MappingCapture {
        guard entry.parentPID > 0, entry.parentPID != entry.pid,
            AddressSpaceSharing.compare(entry.pid, entry.parentPID, system: system) != .separate
        else { return try openCapture(pid: entry.pid) }
        let capture = try openCapture(pid: entry.pid)
        guard let parent = processes.stat(pid: entry.parentPID) else { return capture }
        switch AddressSpaceSharing.compare(entry.pid, entry.parentPID, system: system) {
        case .separate:
            return try openCapture(pid: entry.pid)
        case .shared, .undetermined:
            return SharedAddressSpaceCapture(base: capture, parent: parent.identity, processes: processes, system: system) {
                [self] in try openCapture(pid: entry.pid)
            }
        }
    }
}
