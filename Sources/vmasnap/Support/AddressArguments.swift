import ArgumentParser

/// A command that takes addresses on the command line (`query`, `lookup`).
protocol TakesAddresses: ParsableCommand {
    /// The addresses given, in order.
    var addresses: [Address] { get set }
}

extension Query: TakesAddresses {}
extension Lookup: TakesAddresses {}

/// Long address lists on the command line, parsed in linear time.
///
/// ArgumentParser merges the origins of every element of an array argument
/// each time it adds one, so N addresses cost N² (20,000 took half a
/// minute). The addresses after the first are taken out of the arguments
/// before ArgumentParser sees them and parsed here; the first stays, so that
/// the command's own checks see an address.
enum AddressArguments {
    /// The options of each command that takes addresses which have a value.
    private static let valuedOptions: [String: Set<String>] = [
        "query": ["-p", "--pid", "--backend"],
        "lookup": ["-p", "--pid", "--time", "--callchain-addresses"],
    ]
    /// Positional arguments of each command before its addresses.
    private static let leadingPositionals = ["query": 0, "lookup": 1]

    /// `arguments` (after the program name) without the addresses after the
    /// first, and those addresses, in order.
    static func split(_ arguments: [String]) -> (arguments: [String], addresses: [String]) {
        guard let command = arguments.first, let valued = valuedOptions[command],
            let leading = leadingPositionals[command]
        else { return (arguments, []) }
        var kept = [command]
        var addresses: [String] = []
        var positionals = 0
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                kept.append(contentsOf: arguments[index...])
                break
            }
            if argument.hasPrefix("-") && argument.utf8.count > 1 {
                kept.append(argument)
                if valued.contains(argument) && index + 1 < arguments.count {
                    index += 1
                    kept.append(arguments[index])
                }
            } else {
                if positionals > leading { addresses.append(argument) } else { kept.append(argument) }
                positionals += 1
            }
            index += 1
        }
        return (kept, addresses)
    }

    /// `command` with `addresses` added after its own.
    ///
    /// - Throws: a `ValidationError` naming the first that is not an address,
    ///   as ArgumentParser words it.
    static func adding(_ addresses: [String], to command: ParsableCommand) throws -> ParsableCommand {
        guard !addresses.isEmpty, var taking = command as? any TakesAddresses else { return command }
        // Built here and set once: each change through the property wrapper
        // would copy the whole array.
        var all = taking.addresses
        all.reserveCapacity(all.count + addresses.count)
        for text in addresses {
            guard let address = Address(argument: text) else {
                throw ValidationError("The value '\(text)' is invalid for '<addresses>'")
            }
            all.append(address)
        }
        taking.addresses = all
        return taking
    }
}
