import SystemPackage

// The standard library's closure-taking methods rethrow `any Error`; these
// keep an `Errno` typed through them.

extension String {
    /// `withCString`, for a body that throws only `Errno`.
    func withCStringTyped<Result>(_ body: (UnsafePointer<CChar>) throws(Errno) -> Result) throws(Errno) -> Result {
        try withCString { cString in Swift.Result { () throws(Errno) in try body(cString) } }.get()
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeMutableBytes`, for a body that throws only `Errno`.
    mutating func withUnsafeMutableBytesTyped<Result>(_ body: (UnsafeMutableRawBufferPointer) throws(Errno) -> Result)
        throws(Errno) -> Result
    {
        try withUnsafeMutableBytes { raw in Swift.Result { () throws(Errno) in try body(raw) } }.get()
    }

    /// `withUnsafeBytes`, for a body that throws only `Errno`.
    func withUnsafeBytesTyped<Result>(_ body: (UnsafeRawBufferPointer) throws(Errno) -> Result) throws(Errno) -> Result {
        try withUnsafeBytes { raw in Swift.Result { () throws(Errno) in try body(raw) } }.get()
    }
}
