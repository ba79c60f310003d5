import ArgumentParser
import Foundation
import RigorAgent

/// `rigor agent-bench SPEC`: the builtin agent's own time per turn over a scripted session,
/// the model's latency excluded (used by benchmarks/agent/agent-turns.sh).
struct AgentBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-bench", abstract: "Time the builtin agent's own work per turn (prints figures; used by benchmarks/agent).",
        shouldDisplay: false)

    @Argument(help: "A spec in a scratch copy of a workspace (a notes/ file there is edited).") var spec: String
    @Option(help: "Scripted turns.") var turns = 200
    @Option(help: "Context window in tokens (small values exercise the shortening of old tool output).") var contextWindow = 128_000

    func run() async throws {
        let transcript = NSTemporaryDirectory() + "rigor-agent-bench-\(getpid()).jsonl"
        defer { try? FileManager.default.removeItem(atPath: transcript) }
        let r = try await BuiltinAgentBenchmark.run(specPath: spec, turns: turns, contextWindow: contextWindow, transcriptPath: transcript)
        print(String(format: "turns %d  total %.3f s  per turn %.3f ms  request bodies %.1f MB (mean %.0f KB per request)  transcript %.1f KB",
                     r.turns, r.seconds, r.seconds * 1000 / Double(max(1, r.turns)), Double(r.requestBytes) / 1e6,
                     Double(r.requestBytes) / Double(max(1, r.turns)) / 1e3, Double(r.transcriptBytes) / 1e3))
        print("memory: resident \(r.residentKiB / 1024) MB at the end, peak \(r.maxResidentKiB / 1024) MB")
    }
}
