import ArgumentParser
import VMASnap

/// A process ID given on the command line: a positive decimal number.
struct ProcessID: ExpressibleByArgument {
    var value: Int32

    init?(argument: String) {
        guard let value = Int32(argument), value > 0 else { return nil }
        self.value = value
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// An address given on the command line: hex, with or without "0x" (perf
/// prints addresses without it).
struct Address: ExpressibleByArgument {
    var value: UInt64

    init?(argument: String) {
        guard let value = AddressText.parse(argument) else { return nil }
        self.value = value
    }
}

extension BackendChoice: ExpressibleByArgument {}
