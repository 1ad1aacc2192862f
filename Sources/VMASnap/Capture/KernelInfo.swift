#if canImport(Glibc)
import Glibc
#endif

/// Facts about the running kernel and machine.
public enum KernelInfo {
    /// The kernel release, as `uname -r` prints it.
    public static var release: String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown" }
        return withUnsafeBytes(of: &names.release) { cString($0) }
    }

    /// The host name, as `uname -n` prints it.
    public static var hostName: String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown" }
        return withUnsafeBytes(of: &names.nodename) { cString($0) }
    }

    /// The bytes of a normal page.
    public static let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))

    private static func cString(_ raw: UnsafeRawBufferPointer) -> String {
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}
