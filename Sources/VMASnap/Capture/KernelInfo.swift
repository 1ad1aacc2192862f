/// Facts about the running kernel and machine.
public enum KernelInfo {
    /// The kernel release, as `uname -r` prints it ("unknown" if uname fails).
    public static var release: String { release(system: .live) }

    /// The host name, as `uname -n` prints it ("unknown" if uname fails).
    public static var hostName: String { (try? SystemCalls.live.systemNames().hostName) ?? "unknown" }

    /// The bytes of a normal page.
    public static let pageSize = UInt64(SystemCalls.live.pageSize())

    /// The kernel release through `system`.
    static func release(system: SystemCalls) -> String { (try? system.systemNames().kernelRelease) ?? "unknown" }
}
