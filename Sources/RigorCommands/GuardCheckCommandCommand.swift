import ArgumentParser
import Foundation
import RigorGuard

/// `rigor guard check-command 'TEXT' [--spec SPEC]`: exit 0 allow, 1 deny, 2 bad input.
struct GuardCheckCommandCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-command", abstract: "Judge shell text with the command policy (exit 0 allow, 1 deny, 2 bad input).")
    @Argument(help: "Shell text, as the agent would run it.") var text: String
    @Option(help: "The experiment spec (without it, any experiments/ or results/ path counts as protected).") var spec: String?
    @Option(help: "Directory the command would run in (default: the current one).") var cwd: String?
    @Option(help: "A policy YAML file instead of the built-in rules.") var policy: String?

    func run() async throws {
        let oracle: any ProtectionOracle
        var root: String?
        if let spec {
            do { let s = try ProtectedSet.make(specPath: spec); oracle = s; root = s.workspace.root } catch { throw fail("\(error)", code: 2) }
        } else { oracle = PatternOracle() }
        let p: CommandPolicy
        do { p = try CommandPolicy.load(oracle: oracle, workspaceRoot: root, policyFile: policy) } catch { throw fail("\(error)", code: 2) }
        let dir = PathResolution.resolve(cwd ?? FileManager.default.currentDirectoryPath, relativeTo: FileManager.default.currentDirectoryPath)
        let d = p.evaluate(text, cwd: dir)
        if d.allowed { print("allow"); return }
        if d.rule == "unparseable" { throw fail(d.reason, code: 2) }
        print("deny\t\(d.rule ?? "?")\t\(d.reason)")
        throw ExitCode(1)
    }
}
