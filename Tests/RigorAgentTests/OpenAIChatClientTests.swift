import Foundation
import RigorAgent
import RigorBasics
import RigorHTTP
import RigorTestSupport
import Testing

/// Rigor's own OpenAI-compatible Chat Completions client against the scripted server (real
/// HTTP and SSE), and the small differences between servers its assembler tolerates.
struct OpenAIChatClientTests {
    static let key = "sk-proj-FAKE-openai-test-key-93c1"
    static let request = JSONObject([
        ("messages", .array([.object(JSONObject([("role", .string("user")), ("content", .string("go"))]))])),
        ("tools", .array([.object(JSONObject([("type", .string("function")), ("function", .object(JSONObject([
            ("name", .string("bash")), ("parameters", .object(JSONObject([("type", .string("object"))])))])))]))])),
    ])

    @Test func retriesThenAssemblesTextToolCallsInPiecesAndUsage() async throws {
        let server = try ScriptedAnthropicServer(turns: #"[{"error": 429, "retry_after": 0}, {"cut": true},"#
            + #" {"text": "Running it now.", "tool_use": [{"name": "bash", "input": {"cmd": "python3 train.py --seed 1"}}, {"name": "read_file", "input": {"path": "a.txt"}}]}]"#,
            server: ScriptedAnthropicServer.openAIChat)
        var client = OpenAIChatClient(baseURL: server.baseURL + "/v1", model: "gpt-test", apiKey: Self.key)
        client.retry = ModelRetry(maxAttempts: 4, baseSeconds: 0.01, maxSeconds: 0.05)
        let http = StreamingHTTPClient()
        defer { Task { await http.shutdown() } }
        let answer = try await client.send(Self.request, http: http)
        #expect(answer.blocks.count == 3 && answer.blocks.first == .text("Running it now."), "\(answer.blocks)")
        if case .toolCall(let id, let name, let input, _) = answer.blocks[1] {
            #expect(id == "call_0001" && name == "bash" && input?["cmd"] == .string("python3 train.py --seed 1"))
        } else { Issue.record("\(answer.blocks)") }
        if case .toolCall(_, let name, let input, _) = answer.blocks[2] { #expect(name == "read_file" && input?["path"] == .string("a.txt")) }
        #expect(answer.stopReason == "tool_calls" && answer.usage.input > 0 && answer.usage.cacheRead == 5)
        let sent = server.requests()
        #expect(sent.count == 3 && sent.allSatisfy { $0["has_bearer"] as? Bool == true })
        let body = try #require(sent.last?["body"] as? [String: Any])
        #expect(body["stream"] as? Bool == true && (body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
    }

    @Test func aBadRequestIsOneLineWithoutTheKey() async throws {
        let server = try ScriptedAnthropicServer(turns: #"[{"error": 400}]"#, server: ScriptedAnthropicServer.openAIChat)
        let client = OpenAIChatClient(baseURL: server.baseURL + "/v1", model: "gpt-test", apiKey: Self.key)
        let http = StreamingHTTPClient()
        do {
            _ = try await client.send(Self.request, http: http)
            Issue.record("a 400 must fail")
        } catch {
            #expect(error.description == "openai (model gpt-test): HTTP 400: scripted 400")
        }
        await http.shutdown()
    }

    @Test func serverDifferencesAreTolerated() {
        func assemble(_ lines: [String]) -> ModelAnswer {
            var a = OpenAIChatStreamAssembler()
            for l in lines { a.consume(ServerSentEvent(data: l)) }
            return a.result
        }
        // No index on tool-call pieces (some local servers), arguments whole, no [DONE], no usage.
        let ollama = assemble([#"{"choices":[{"delta":{"tool_calls":[{"id":"c1","function":{"name":"bash","arguments":"{\"cmd\":"}}]}}]}"#,
                               #"{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"\"ls\"}"}}]}}]}"#,
                               #"{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}"#])
        #expect(ollama.complete && ollama.blocks == [.toolCall(id: "c1", name: "bash", input: .object(JSONObject([("cmd", .string("ls"))])), rawInput: #"{"cmd":"ls"}"#)])
        // Malformed arguments are kept raw for the model to be told, never a crash.
        let bad = assemble([#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c2","function":{"name":"bash","arguments":"{cmd: ls"}}]},"finish_reason":"tool_calls"}]}"#, "[DONE]"])
        #expect(bad.blocks == [.toolCall(id: "c2", name: "bash", input: nil, rawInput: "{cmd: ls")])
        // A stream cut before any finish_reason or [DONE] is not complete.
        #expect(!assemble([#"{"choices":[{"delta":{"content":"Hal"}}]}"#]).complete)
    }
}
