import ArgumentParser
import VMASnap

/// TIME on the command line: seconds on the recording's clock, or
/// "+SECONDS" after its start.
extension LookupTime: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension CallchainAddressMode: ExpressibleByArgument {}
