import Foundation
import RigorAgent
import RigorBasics
import RigorHTTP
import RigorTestSupport
import Testing

/// Rigor's own Anthropic Messages client against the scripted server (real HTTP and SSE).
struct AnthropicMessagesClientTests {
    static let key = "sk-ant-FAKE-client-test-key-41d2"
    static let request = JSONObject([
        ("max_tokens", .number(256)),
        ("messages", .array([.object(JSONObject([("role", .string("user")), ("content", .string("go"))]))])),
        ("tools", .array([.object(JSONObject([("name", .string("Bash")), ("description", .string("run a command")),
                                              ("input_schema", .object(JSONObject([("type", .string("object"))])))]))])),
    ])

    final class Retries: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [Int?] = []
        func add(_ status: Int?) { lock.lock(); seen.append(status); lock.unlock() }
        var all: [Int?] { lock.lock(); defer { lock.unlock() }; return seen }
    }

    @Test func retriesRateLimitsServerErrorsAndACutStreamThenAssemblesTextAndToolCalls() async throws {
        let server = try ScriptedAnthropicServer(turns: #"[{"error": 429, "retry_after": 0}, {"error": 500}, {"cut": true},"#
            + #" {"text": "Looking at the files.", "tool_use": [{"name": "Bash", "input": {"command": "ls -la results", "description": "list"}}]}]"#)
        var client = AnthropicMessagesClient(baseURL: server.baseURL, model: "claude-test", apiKey: Self.key)
        client.retry = ModelRetry(maxAttempts: 5, baseSeconds: 0.01, maxSeconds: 0.05)
        let http = StreamingHTTPClient()
        let retries = Retries()
        let answer: ModelAnswer
        do { answer = try await client.send(Self.request, http: http) { _, status, _ in retries.add(status) } } catch {
            await http.shutdown()
            Issue.record("\(error)")
            return
        }
        await http.shutdown()
        #expect(retries.all == [429, 500, nil], "429, 500, then a stream cut before message_stop (no status)")
        #expect(answer.blocks.count == 2)
        #expect(answer.blocks.first == .text("Looking at the files."))
        if case .toolCall(_, let name, let input, _)? = answer.blocks.last {
            #expect(name == "Bash" && input?["command"] == .string("ls -la results"), "arguments arrive in pieces and are joined")
        } else { Issue.record("\(answer.blocks)") }
        #expect(answer.stopReason == "tool_use" && answer.complete && answer.usage.input > 0 && answer.usage.output > 0)
        let sent = server.requests()
        #expect(sent.count == 4 && sent.allSatisfy { $0["has_api_key"] as? Bool == true })
        #expect(sent.allSatisfy { (($0["body"] as? [String: Any])?["model"] as? String) == "claude-test" })
    }

    @Test func anAuthenticationErrorIsOneLineWithoutTheKeyAndIsNotRetried() async throws {
        let server = try ScriptedAnthropicServer(turns: #"[{"error": 401}, {"text": "never reached"}]"#)
        let client = AnthropicMessagesClient(baseURL: server.baseURL, model: "claude-test", apiKey: Self.key)
        let http = StreamingHTTPClient()
        do {
            _ = try await client.send(Self.request, http: http)
            Issue.record("a 401 must fail")
        } catch {
            #expect(error.description == "anthropic (model claude-test): HTTP 401: scripted 401")
            #expect(!error.description.contains(Self.key))
        }
        await http.shutdown()
        #expect(server.requests().count == 1)
    }

    @Test func theBackoffGrowsHonoursRetryAfterAndStaysUnderItsCap() {
        let r = ModelRetry(maxAttempts: 6, baseSeconds: 1, maxSeconds: 8)
        #expect(r.delay(afterAttempt: 1, retryAfter: nil, random: 1) == 1)
        #expect(r.delay(afterAttempt: 3, retryAfter: nil, random: 1) == 4)
        #expect(r.delay(afterAttempt: 3, retryAfter: nil, random: 0) == 2, "jitter keeps at least half")
        #expect(r.delay(afterAttempt: 9, retryAfter: nil, random: 1) == 8)
        #expect(r.delay(afterAttempt: 1, retryAfter: "3", random: 1) == 3)
        #expect(r.delay(afterAttempt: 1, retryAfter: "120", random: 1) == 8)
        #expect(ModelRetry.isRetryable(status: 429) && ModelRetry.isRetryable(status: 503) && !ModelRetry.isRetryable(status: 400))
    }
}
