/// What uname(2) says about the machine.
struct SystemNames: Hashable, Sendable {
    /// The host name (`uname -n`).
    var hostName: String
    /// The kernel release (`uname -r`).
    var kernelRelease: String
}
