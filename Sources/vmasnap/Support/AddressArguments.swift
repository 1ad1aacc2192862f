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
    /// The commands that take addresses, by name.
    private static let commands: [String: any TakesAddresses.Type] = ["query": Query.self, "lookup": Lookup.self]

    /// What splitting a command's arguments needs to know: the options that
    /// take a value (every name of each), and how many positional arguments
    /// come before the addresses.
    struct Layout {
        var valuedOptions: Set<String> = []
        var leadingPositionals = 0
    }

    /// The layout of `command`, read from ArgumentParser's own help (every
    /// option, hidden ones included, one a line at this width), so that an
    /// option added to the command needs nothing here.
    static func layout(of command: any ParsableCommand.Type) -> Layout {
        var layout = Layout()
        for line in command.helpMessage(includeHidden: true, columns: 100_000).split(separator: "\n") {
            if line.hasPrefix("USAGE:") {
                // "USAGE: vmasnap lookup <file> [<addresses> ...] [--pid <pid>] ...".
                // A "<value>" right after an option is the option's.
                // ArgumentParser writes "[<options>]" for them all when the line grows long: no positional.
                let words = line.split(separator: " ").filter { $0 != "[<options>]" }
                let before = words.prefix { !$0.hasPrefix("[<addresses>") && !$0.hasPrefix("<addresses>") }
                layout.leadingPositionals = before.indices.filter { index in
                    let word = before[index].drop { $0 == "[" }
                    return word.hasPrefix("<") && (index == before.startIndex || !before[index - 1].drop { $0 == "[" }.hasPrefix("-"))
                }.count
            } else if line.hasPrefix("  -") {
                // "  -p, --pid <pid>    The process ID ...": the names, then a value if any.
                let specification = line.dropFirst(2).split(separator: "  ", maxSplits: 1).first ?? ""
                guard specification.contains(" <") else { continue }
                for name in specification.split(separator: ",") {
                    if let option = name.split(separator: " ").first, option.hasPrefix("-") {
                        layout.valuedOptions.insert(String(option))
                    }
                }
            }
        }
        return layout
    }

    /// `arguments` (after the program name) without the addresses after the
    /// first, and those addresses, in order.
    static func split(_ arguments: [String]) -> (arguments: [String], addresses: [String]) {
        guard let command = arguments.first, let type = commands[command] else { return (arguments, []) }
        let layout = layout(of: type)
        let (valued, leading) = (layout.valuedOptions, layout.leadingPositionals)
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
