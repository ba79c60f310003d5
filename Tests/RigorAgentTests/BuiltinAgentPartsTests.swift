import Foundation
@testable import RigorAgent
import RigorBasics
import RigorGuard
import RigorTestSupport
import Testing

/// The builtin agent's parts on their own: tool-input checks, the file tools on a real
/// workspace, the context window, capped output, the providers' request bodies, Codex's events.
struct BuiltinAgentPartsTests {
    static func tool(_ name: String) -> AgentTool { AgentTool.all.first { $0.name == name }! }

    @Test func toolInputProblemsAreNamed() {
        let read = Self.tool("read_file")
        #expect(AgentTool.problem(with: nil, raw: "{\"path\": ", for: read)?.hasPrefix("the arguments are not valid JSON ({\"path\": )") == true)
        #expect(AgentTool.problem(with: .array([]), raw: "[]", for: read) == "the arguments must be a JSON object, not array")
        #expect(AgentTool.problem(with: ["offset": 2], raw: "", for: read) == "missing required field 'path'")
        #expect(AgentTool.problem(with: ["path": "a", "offset": "two"], raw: "", for: read) == "field 'offset' must be an integer (at most 10^9), not string")
        #expect(AgentTool.problem(with: ["path": "a", "offset": 2.5], raw: "", for: read) == "field 'offset' must be an integer (at most 10^9), not 2.5")
        #expect(AgentTool.problem(with: ["path": "a", "mode": "x"], raw: "", for: read) == "unknown field 'mode'")
        #expect(AgentTool.problem(with: ["path": "a", "offset": 3, "limit": 4], raw: "", for: read) == nil)
        #expect(AgentTool.all.map(\.name) == ["read_file", "write_file", "edit_file", "list_files", "glob", "grep", "bash", "finish"])
    }

    /// A copy of the example workspace and the file tools over it.
    static func files() throws -> (TempDirectory, WorkspaceFiles) {
        let dir = TempDirectory(prefix: "rigor-files")
        _ = try runProcess(["/bin/cp", "-r", RepoPaths.root + "/examples/two-spirals/.", dir.path])
        // Only what git tracks (a local run of the example may have left results).
        try? FileManager.default.removeItem(atPath: dir.path + "/results/exp-001-hidden-width")
        let set = try ProtectedSet.make(specPath: dir.path + "/experiments/exp-001-hidden-width.md")
        return (dir, WorkspaceFiles(root: set.workspace.root, oracle: set, hidden: []))
    }

    @Test func fileToolsReadWriteAndEditInsideTheWorkspaceOnly() throws {
        let (dir, files) = try Self.files()
        #expect(try files.write(path: "notes/a.txt", content: "one\ntwo\ntwo\n") == "wrote notes/a.txt (12 bytes)")
        #expect(try files.read(path: "notes/a.txt", offset: 2, limit: 1) == "     2\ttwo\n[lines 2–2 of 3; pass offset 3 to read on]\n")
        #expect(throws: WorkspaceFiles.Failure.self) { try files.edit(path: "notes/a.txt", old: "two", new: "2", all: false) }
        do { _ = try files.edit(path: "notes/a.txt", old: "two", new: "2", all: false) } catch {
            #expect("\(error)".contains("occurs more than once"))
        }
        do { _ = try files.edit(path: "notes/a.txt", old: "three", new: "3", all: false) } catch {
            #expect("\(error)".contains("was not found"))
        }
        #expect(try files.edit(path: "notes/a.txt", old: "two", new: "2", all: true) == "edited notes/a.txt (2 replacements)")
        #expect(dir.read("notes/a.txt") == "one\n2\n2\n")
        // The spec is protected; a path out of the workspace, through a link or .., is refused.
        for path in ["experiments/exp-001-hidden-width.md", "results/../experiments/x.md"] {
            do { _ = try files.write(path: path, content: "x"); Issue.record("wrote \(path)") } catch {
                guard case .refused(let why) = error else { Issue.record("\(error)"); continue }
                #expect(why.contains("is protected"), "\(why)")
            }
        }
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/out", withDestinationPath: "/etc")
        for path in ["/etc/hostname", "../x", "out/hostname", "/proc/self/environ"] {
            do { _ = try files.read(path: path, offset: nil, limit: nil); Issue.record("read \(path)") } catch {
                guard case .refused(let why) = error else { Issue.record("\(error)"); continue }
                #expect(why.contains("outside the workspace"), "\(why)")
            }
        }
        // A folder swapped for a link after the path was checked: refused at use, not followed.
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/swapped", withDestinationPath: dir.path)
        for creating in [false, true] {
            // A link higher up: the folder reached is not the one checked.
            do { _ = try files.openFolder(of: files.root + "/swapped/experiments/x.md", creating: creating); Issue.record("followed") } catch {
                guard case .refused(let why) = error else { Issue.record("\(error)"); continue }
                #expect(why.contains("its folder changed"), "\(why)")
            }
            // A link as the folder itself: never opened through.
            do { _ = try files.openFolder(of: files.root + "/swapped/x.md", creating: creating); Issue.record("followed") } catch {
                guard case .failed(let why) = error else { Issue.record("\(error)"); continue }
                #expect(why.contains("symlink"), "\(why)")
            }
        }
        // A FIFO cannot hang the tool.
        #expect(mkfifo(dir.path + "/pipe", 0o644) == 0)
        #expect(throws: WorkspaceFiles.Failure.self) { try files.read(path: "pipe", offset: nil, limit: nil) }
    }

    @Test func listGlobAndGrepAreSortedAndSkipLinks() throws {
        let (dir, files) = try Self.files()
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/scripts/loop", withDestinationPath: dir.path)
        #expect(try files.list(path: "scripts").split(separator: "\n").contains("train.py"))
        dir.write("scripts/sub/deep/x.py", "")
        #expect(try files.glob(pattern: "**/*.py") == "scripts/sub/deep/x.py\nscripts/train.py", "the link back to the root is not followed")
        #expect(try files.glob(pattern: "scripts/**/*.py") == "scripts/sub/deep/x.py\nscripts/train.py")
        #expect(try files.glob(pattern: "scripts/*.py") == "scripts/train.py")
        #expect(try files.glob(pattern: "experiments/*.md") == "experiments/exp-001-hidden-width.md")
        #expect(try files.grep(pattern: "def main", path: nil, glob: "*.py") == "scripts/train.py:83:def main():")
        #expect(try files.grep(pattern: "zzz-nothing", path: "scripts", glob: nil) == "no matches for zzz-nothing")
        #expect(throws: WorkspaceFiles.Failure.self) { try files.grep(pattern: "(", path: nil, glob: nil) }
        #expect(GlobPattern("a/**/b?.[ch]")!.matches("a/x/y/b1.c") && GlobPattern("a/**/b?.[ch]")!.matches("a/b2.h"))
        #expect(!GlobPattern("*.py")!.matches("scripts/train.py"))
    }

    @Test func hostileInputsAreRefusedWithoutTrappingHangingOrBlowingUp() throws {
        let (dir, base) = try Self.files()
        var files = base
        // Numbers that would trap a conversion.
        let read = Self.tool("read_file"), bash = Self.tool("bash")
        for bad: JSONValue in [1e19, 1e300, "Infinity", -1e10, 2.5] {
            #expect(AgentTool.problem(with: ["path": "a", "offset": bad], raw: "", for: read) != nil, "\(bad)")
            #expect(AgentTool.problem(with: ["command": "true", "timeout_seconds": bad], raw: "", for: bash) != nil, "\(bad)")
        }
        #expect(JSONValue.number(1e300).clampedInt == 1_000_000_000_000_000 && JSONValue.number(.nan).clampedInt == nil)
        // A glob that backtracking would take for ever on: matched in polynomial time.
        let name = String(repeating: "a", count: 200)
        dir.write(name, "x")
        let started = Date()
        #expect(try files.glob(pattern: String(repeating: "**a", count: 12) + "**b") == "no files match " + String(repeating: "**a", count: 12) + "**b")
        #expect(Date().timeIntervalSince(started) < 5)
        // A regular expression with catastrophic backtracking stops at the grep's own limit.
        dir.write("slow.txt", String(repeating: "a", count: 64) + "b\n")
        files.grepSeconds = 0.5
        let grep = try files.grep(pattern: "(a|aa)+$", path: "slow.txt", glob: nil)
        #expect(grep.contains("the search stopped after 0.5 s"), "\(grep)")
        // An edit that would multiply the file is refused before it is built.
        dir.write("big.txt", String(repeating: "a", count: 1_000_000))
        do { _ = try files.edit(path: "big.txt", old: "a", new: String(repeating: "b", count: 100), all: true); Issue.record("edited") } catch {
            #expect("\(error)".contains("larger than 8 MB"))
        }
        // A folder is not a file.
        for path in [".", "scripts"] {
            do { _ = try files.write(path: path, content: "x"); Issue.record("wrote \(path)") } catch {
                #expect("\(error)".contains("is a folder"), "\(error)")
            }
        }
        // read_file returns at most 256 KB at once and says how to read on.
        dir.write("long.txt", String(repeating: String(repeating: "y", count: 1000) + "\n", count: 1000))
        let long = try files.read(path: "long.txt", offset: nil, limit: nil)
        #expect(long.utf8.count < 300_000 && long.contains("pass offset"))
    }

    @Test func cappedOutputKeepsHeadAndTail() {
        var out = CappedOutput(limit: 20)
        for i in 0..<100 { out.append(Array("\(i % 10)".utf8)) }
        #expect(out.total == 100)
        #expect(out.text == "0123456789\n[… 80 bytes of output not kept …]\n0123456789")
        var small = CappedOutput(limit: 20)
        small.append(Array("short".utf8))
        #expect(small.text == "short")
    }

    static func conversation(results: Int, size: Int) -> Conversation {
        var c = Conversation(system: String(repeating: "S", count: 4000), task: "the task")
        for i in 0..<results {
            c.turns.append(.assistant(text: "t\(i)", calls: [.init(id: "c\(i)", name: "bash", input: ["command": "x"], raw: "{\"command\":\"x\"}")]))
            c.turns.append(.results([.init(id: "c\(i)", name: "bash", content: String(repeating: "r", count: size), isError: false)]))
        }
        return c
    }

    @Test func theContextWindowShortensOldToolOutputFirstAndNeverTheSystemPrompt() {
        var c = Self.conversation(results: 6, size: 8000)
        let window = ContextWindow(tokens: 8000, reserve: 1000)
        let before = c.estimatedTokens(tools: [])
        #expect(before > window.budget)
        let (items, saved) = window.fit(&c, tools: [])
        #expect(items >= 1 && saved > 0)
        #expect(c.estimatedTokens(tools: []) <= window.budget)
        #expect(c.system.count == 4000 && c.task == "the task")
        guard case .results(let last) = c.turns.last!, case .results(let first) = c.turns[1] else { Issue.record("turns"); return }
        #expect(!last[0].shortened && last[0].content.count == 8000, "the latest result is kept whole")
        #expect(first[0].shortened && first[0].content.contains("bytes of this old output were removed"))
        // Nothing to do when it fits.
        var small = Self.conversation(results: 1, size: 10)
        #expect(window.fit(&small, tools: []).items == 0)
        // The provider's own count calibrates the estimate.
        var calibrated = window
        calibrated.learn(promptTokens: 2 * before, estimated: before)
        #expect(calibrated.calibration == 2)
    }

    @Test func requestBodiesFollowEachProvidersWireFormat() {
        var c = Conversation(system: "SYS", task: "TASK")
        c.turns = [.assistant(text: "", calls: [.init(id: "call_1", name: "bash", input: ["command": "ls"], raw: "{\"command\":\"ls\"}")]),
                   .results([.init(id: "call_1", name: "bash", content: "a\nb", isError: true)])]
        let tools = [Self.tool("bash")]
        let openai = JSONValue.object(OpenAIChatClient.body(c, tools: tools))
        #expect(openai["messages"]?.arrayValue?.map { $0["role"]?.stringValue ?? "" } == ["system", "user", "assistant", "tool"])
        #expect(openai["messages"]?.arrayValue?[2]["content"] == .null)
        #expect(openai["messages"]?.arrayValue?[2]["tool_calls"]?.arrayValue?.first?["function"]?["arguments"]?.stringValue == "{\"command\":\"ls\"}")
        #expect(openai["messages"]?.arrayValue?[3]["tool_call_id"]?.stringValue == "call_1")
        #expect(openai["tools"]?.arrayValue?.first?["function"]?["parameters"]?["required"] == ["command"])
        let anthropic = JSONValue.object(AnthropicMessagesClient.body(c, tools: tools, maxOutputTokens: 4096))
        #expect(anthropic["system"]?.stringValue == "SYS" && anthropic["max_tokens"]?.doubleValue == 4096)
        let messages = anthropic["messages"]?.arrayValue ?? []
        #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["user", "assistant", "user"])
        #expect(messages[1]["content"]?.arrayValue?.first?["type"]?.stringValue == "tool_use")
        #expect(messages[2]["content"]?.arrayValue?.first?["is_error"]?.boolValue == true)
        #expect(anthropic["tools"]?.arrayValue?.first?["input_schema"]?["type"]?.stringValue == "object")
    }

    @Test func codexEventsBecomeTranscriptEntries() {
        var p = CodexEventParser()
        let lines = [
            #"{"type":"thread.started","thread_id":"th-1"}"#,
            #"{"type":"turn.started"}"#,
            #"{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Model metadata for `x` not found."}}"#,
            #"{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -c 'echo hi'","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#,
            #"{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -c 'echo hi'","aggregated_output":"hi\n","exit_code":0,"status":"completed"}}"#,
            #"{"type":"item.completed","item":{"id":"item_3","type":"command_execution","command":"/bin/bash -c 'echo x >> spec.md'","aggregated_output":"/bin/bash: line 1: spec.md: Read-only file system\n","exit_code":1,"status":"failed"}}"#,
            #"{"type":"item.completed","item":{"id":"item_4","type":"agent_message","text":"All done."}}"#,
            #"{"type":"turn.completed","usage":{"input_tokens":8235,"cached_input_tokens":20,"cache_write_input_tokens":0,"output_tokens":257,"reasoning_output_tokens":0}}"#,
            "not json",
        ]
        let entries = lines.flatMap { p.entries(forLine: Array($0.utf8)) }
        #expect(entries.map(\.type) == ["session", "note", "tool_call", "tool_result", "tool_call", "tool_result", "blocked", "assistant_text", "usage", "end"])
        #expect(entries[0] == .session(runtime: "codex", model: nil, sessionID: "th-1", tools: []))
        #expect(entries[3] == .toolResult(id: "item_1", isError: false, content: "hi\n\n[exit status 0]"))
        #expect(entries[6] == .blocked(id: "item_3", name: "command_execution", by: "kernel", reason: "/bin/bash: line 1: spec.md: Read-only file system"))
        #expect(p.counts.turns == 1 && p.counts.toolCalls == 2 && p.counts.blockedCalls == 1)
        #expect(p.counts.usage == TokenUsage(input: 8235, output: 257, cacheRead: 20))
        #expect(p.modelFailure == nil)
        _ = p.entries(forLine: Array(#"{"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized: bad key"}}"#.utf8))
        #expect(p.modelFailure == "unexpected status 401 Unauthorized: bad key")
        #expect(AgentRun.httpStatus(in: p.modelFailure!) == 401)
    }

    @Test func knownModelsGiveTheirContextWindow() {
        #expect(KnownModels.contextWindow("gpt-4.1-mini") == 1_047_576)
        #expect(KnownModels.contextWindow("gpt-4o") == 128_000)
        #expect(KnownModels.contextWindow("claude-sonnet-4-5") == 200_000)
        #expect(KnownModels.contextWindow("meta-llama/llama-3.1-8b-instruct") == 131_072)
        #expect(KnownModels.contextWindow("qwen2.5-coder:32b") == 32_768)
        #expect(KnownModels.contextWindow("my-own-model") == nil)
    }
}
