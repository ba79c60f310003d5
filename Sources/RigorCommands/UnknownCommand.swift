import ArgumentParser
import Foundation
import RigorGuard

/// An unknown subcommand gets a `rigor:` line naming it and the nearest known one, exit 2,
/// instead of the argument parser's generic usage error.
public enum UnknownCommand {
    /// The message for `arguments` (without the program name), or nil when every subcommand word is known.
    public static func message(for arguments: [String]) -> String? {
        var level: any ParsableCommand.Type = RigorCommand.self
        var path = ["rigor"]
        for word in arguments {
            let subs = level.configuration.subcommands
            // No subcommands, or a default one that takes this word as its argument: the parser decides.
            guard !subs.isEmpty, level.configuration.defaultSubcommand == nil else { return nil }
            if word.hasPrefix("-") { return nil }
            let names = subs.map { $0.configuration.commandName ?? String(describing: $0).lowercased() }
            if word == "help" { return nil }
            guard let i = names.firstIndex(of: word) else {
                let known = names.filter { !$0.hasPrefix("bench") && !$0.contains("-bench") }.sorted()
                let nearest = known.min { distance($0, word) < distance($1, word) }
                var line = "unknown command '\(path.joined(separator: " ")) \(word)'"
                if let nearest, distance(nearest, word) <= max(2, word.count / 3) { line += "; did you mean '\(path.joined(separator: " ")) \(nearest)'?" }
                return line + " (commands: \(known.joined(separator: ", ")); see '\(path.joined(separator: " ")) --help')"
            }
            level = subs[i]
            path.append(word)
        }
        return nil
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}

extension RigorCommand {
    /// The entry point: unknown subcommands are answered here, the rest by the parser.
    public static func start() async {
        // A brokered run's grant is taken out of the environment before anything can pass it on.
        BrokerGrant.takeFromEnvironment()
        if let message = UnknownCommand.message(for: Array(CommandLine.arguments.dropFirst())) {
            Console.error(message)
            Foundation.exit(2)
        }
        await main()
    }
}
