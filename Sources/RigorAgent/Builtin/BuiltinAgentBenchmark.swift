import Foundation
import RigorBasics
import RigorGuard
import RigorHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rigor's own time per turn of the builtin agent, the model's latency excluded: a scripted
/// session whose "model" answers at once in memory. Each turn does all of Rigor's work: fit the
/// context, encode the Chat Completions request body, parse the answer from server-sent event
/// bytes fed in 64-byte pieces, write the transcript, run the tool call (in-process file tools:
/// read_file, grep, glob, list_files, edit_file in turn; `bash` is left out, as its time is the
/// command's own and the sandbox's start). Used by benchmarks/agent/agent-turns.sh.
public enum BuiltinAgentBenchmark {
    public struct Report: Sendable {
        public var turns: Int
        public var seconds: Double
        public var requestBytes: Int
        public var maxResidentKiB: Int
        public var residentKiB: Int
        public var transcriptBytes: Int
    }

    /// A model that answers from a script, in memory, through the real stream parser.
    struct ReplayModel: ModelProvider {
        let provider = "openai"
        let model = "replay"
        let turns: Int
        let counter = Counter()

        final class Counter: @unchecked Sendable {
            private let lock = NSLock()
            private var n = 0, bytes = 0
            func next(_ body: Int) -> Int { lock.lock(); defer { lock.unlock() }; n += 1; bytes += body; return n }
            var requestBytes: Int { lock.lock(); defer { lock.unlock() }; return bytes }
        }

        static func call(_ turn: Int) -> (String, String) {
            switch turn % 5 {
            case 0: return ("read_file", #"{"path": "scripts/train.py", "limit": 120}"#)
            case 1: return ("grep", #"{"pattern": "def [a-z_]+", "glob": "*.py"}"#)
            case 2: return ("glob", #"{"pattern": "**/*.md"}"#)
            case 3: return ("list_files", #"{"path": "scripts"}"#)
            default: return ("edit_file", #"{"path": "notes/bench.txt", "old_string": "count", "new_string": "count", "replace_all": true}"#)
            }
        }

        func answer(_ conversation: Conversation, tools: [AgentTool], maxOutputTokens: Int, http: StreamingHTTPClient,
                    onRetry: @Sendable (Int, Int?, String) -> Void) async throws(ModelError) -> ModelAnswer {
            let body = Array(JSONValue.object(OpenAIChatClient.body(conversation, tools: tools)).serialized(pretty: false).utf8)
            let n = counter.next(body.count)
            var events: [String] = [#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#]
            if n > turns {
                events.append(#"{"choices":[{"index":0,"delta":{"content":"Done."},"finish_reason":"stop"}]}"#)
            } else {
                let (name, args) = Self.call(n)
                events.append(#"{"choices":[{"index":0,"delta":{"content":"Step \#(n)."}}]}"#)
                let id = JSONValue.string("call_\(n)").serialized(pretty: false)
                events.append(#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":\#(id),"type":"function","function":{"name":"\#(name)","arguments":""}}]}}]}"#)
                for piece in stride(from: 0, to: args.count, by: 7) {
                    let chunk = String(args.dropFirst(piece).prefix(7))
                    events.append(#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":\#(JSONValue.string(chunk).serialized(pretty: false))}}]}}]}"#)
                }
                events.append(#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#)
            }
            events.append(#"{"choices":[],"usage":{"prompt_tokens":\#(body.count / 4),"completion_tokens":20}}"#)
            let stream = Array((events.map { "data: " + $0 + "\n\n" }.joined() + "data: [DONE]\n\n").utf8)
            var parser = ServerSentEventParser()
            var assembler = OpenAIChatStreamAssembler()
            for start in stride(from: 0, to: stream.count, by: 64) {
                for e in parser.feed(stream[start..<min(stream.count, start + 64)]) { assembler.consume(e) }
            }
            return assembler.result
        }

        func promptTokens(_ u: TokenUsage) -> Int { u.input }
    }

    /// Runs `turns` scripted turns in the workspace of `specPath` (a scratch copy: a file of
    /// notes/ is edited), writing the transcript to `transcriptPath`.
    public static func run(specPath: String, turns: Int, contextWindow: Int, transcriptPath: String) async throws -> Report {
        let set = try ProtectedSet.make(specPath: specPath)
        let root = set.workspace.root
        try FileManager.default.createDirectory(atPath: root + "/notes", withIntermediateDirectories: true)
        try AtomicFile.write("count\n", to: root + "/notes/bench.txt")
        let transcript = try TranscriptWriter(path: transcriptPath, redactor: Redactor(secrets: []))
        defer { transcript.close() }
        let files = WorkspaceFiles(root: root, oracle: set, hidden: [])
        let policy = try CommandPolicy.load(oracle: set, workspaceRoot: root)
        let shell = SandboxedShell(root: root, policy: policy, wrapper: nil, environment: [:], grace: 1)
        let http = StreamingHTTPClient()
        let model = ReplayModel(turns: turns)
        let agent = BuiltinAgent(provider: model, settings: .init(maxTurns: turns + 1, contextWindow: contextWindow, maxOutputTokens: 4096),
                                 files: files, shell: shell, http: http, log: { transcript.append($0) })
        let started = Monotonic.seconds()
        let outcome = await agent.run(system: String(repeating: "Rigor's RUN prompt. ", count: 400), task: ClaudeCodeRuntime.task,
                                      deadline: started + 3600, budgetSeconds: 3600)
        let seconds = Monotonic.seconds() - started
        await http.shutdown()
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8))?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        let size = (try? FileManager.default.attributesOfItem(atPath: transcriptPath)[.size] as? Int) ?? 0
        return Report(turns: outcome.counts.turns, seconds: seconds, requestBytes: model.counter.requestBytes,
                      maxResidentKiB: Int(usage.ru_maxrss), residentKiB: statm * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024, transcriptBytes: size)
    }
}
