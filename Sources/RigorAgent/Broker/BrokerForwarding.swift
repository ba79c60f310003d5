import Foundation
import RigorBasics
import RigorGuard

/// How `rigor exec` and `rigor protocol run` behave when a run broker is active.
public enum BrokerForwarding {
    /// When `RIGOR_BROKER_SOCKET` names a broker, forwards this process's command line to it
    /// and returns the exit status to exit with; nil when no broker is active (run locally).
    public static func forwardIfBrokered(_ command: BrokerRequest.Command,
                                         commandLine: [String] = CommandLine.arguments) -> Int32? {
        guard let socket = BrokerClient.socket() else { return nil }
        let words = command.words
        let rest = Array(commandLine.dropFirst())
        let arguments = Array(rest.starts(with: words) ? rest.dropFirst(words.count) : rest[...])
        return BrokerClient.forward(command, arguments: arguments, socketPath: socket)
    }

    /// For a run the broker started: why `specPath` is not the spec of the `rigor run` that
    /// started it, or nil when it is (or when no broker started this process).
    public static func specMismatch(_ specPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let required = environment[RunBroker.specVariable], !required.isEmpty else { return nil }
        // Only an absolute path means one file whatever the working directory (the agent's choice).
        guard required.hasPrefix("/") else { return "\(RunBroker.specVariable) is not an absolute path (\(required)); this run is refused" }
        let want = PathResolution.resolve(required, relativeTo: "/")
        guard let specPath else { return "this run was requested through rigor run's broker, which only starts runs of \(want); no spec was found for it" }
        let got = PathResolution.resolve(specPath, relativeTo: FileManager.default.currentDirectoryPath)
        return got == want ? nil : "this run was requested through rigor run's broker, which only starts runs of \(want), not of \(got)"
    }
}
