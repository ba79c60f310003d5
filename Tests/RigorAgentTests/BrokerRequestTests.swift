import Foundation
import RigorAgent
import RigorBasics
import RigorTestSupport
import Testing

/// The broker's requests are hostile input: each malformed one gets a refusal naming the field.
struct BrokerRequestTests {
    let workspace = TempDirectory(prefix: "rigor-broker")

    func parse(_ text: String) -> Result<BrokerRequest, BrokerRefusal> {
        BrokerRequest.parse(Array(text.utf8), workspaceRoot: URL(fileURLWithPath: workspace.path).resolvingSymlinksInPath().path)
    }

    func refusal(_ text: String) -> String? {
        if case .failure(let r) = parse(text.replacingOccurrences(of: "CWD", with: workspace.path)) { return r.message }
        return nil
    }

    @Test func aWellFormedRequestKeepsOnlyTheVariablesARunMayGet() throws {
        let cwd = workspace.path
        let text = #"{"version":1,"command":"exec","arguments":["--experiment","results/exp-1","--","python3","t.py"],"cwd":"\#(cwd)","environment":{"CUDA_VISIBLE_DEVICES":"0","PATH":"/usr/bin","ANTHROPIC_API_KEY":"sk-x","LD_PRELOAD":"/tmp/evil.so","AWS_SECRET_ACCESS_KEY":"a"}}"#
        guard case .success(let r) = parse(text) else { Issue.record("refused: \(String(describing: refusal(text)))"); return }
        #expect(r.command == .exec && r.arguments.last == "t.py")
        #expect(r.environment == ["CUDA_VISIBLE_DEVICES": "0", "PATH": "/usr/bin"])
        // The request a client sends is the one the broker reads.
        let round = BrokerRequest.parse(Array(r.json.serialized(pretty: false).utf8), workspaceRoot: r.workingDirectory)
        #expect((try? round.get()) == r)
    }

    @Test(arguments: [
        ("{not json", "request is not JSON"),
        ("[1,2]", "request: expected a JSON object, got array"),
        (#"{"version":2,"command":"exec","arguments":[],"cwd":"/"}"#, "version: expected 1"),
        (#"{"version":1,"command":"rm","arguments":[],"cwd":"/"}"#, "command: expected one of exec, protocol-run"),
        (#"{"version":1,"command":"exec","arguments":[1],"cwd":"/"}"#, "arguments[0]: expected a string"),
        (#"{"version":1,"command":"exec","arguments":"--help","cwd":"/"}"#, "arguments: expected an array"),
        (#"{"version":1,"command":"exec","arguments":[],"cwd":"relative"}"#, "cwd: expected an absolute path"),
        (#"{"version":1,"command":"exec","arguments":[],"cwd":"/etc"}"#, "cwd: /etc is outside the workspace"),
        (#"{"version":1,"command":"exec","arguments":[],"cwd":"CWD","shell":"sh"}"#, "shell: unknown field"),
        (#"{"version":1,"command":"exec","arguments":[],"cwd":"CWD","environment":[]}"#, "environment: expected an object of strings"),
    ])
    func malformedRequestsAreRefusedNamingTheField(text: String, expected: String) {
        let message = refusal(text)
        #expect(message?.hasPrefix(expected) == true, "\(String(describing: message))")
    }

    @Test func anUnguardedRunIsNeverBrokeredButAnArgumentAfterTheCommandIsItsOwn() {
        let cwd = workspace.path
        #expect(refusal(#"{"version":1,"command":"exec","arguments":["--no-guard","--experiment","r","--","true"],"cwd":"\#(cwd)"}"#)?
            .contains("--no-guard is not available to the agent") == true)
        // After `--` it belongs to the training command.
        #expect(refusal(#"{"version":1,"command":"exec","arguments":["--experiment","r","--","prog","--no-guard"],"cwd":"\#(cwd)"}"#) == nil)
    }

    @Test func anOversizedRequestIsRefusedBeforeParsing() {
        let big = String(repeating: "a", count: BrokerRequest.maxBytes + 1)
        #expect(refusal(big)?.hasPrefix("request larger than") == true)
    }

    @Test func framesRoundTripAndUnknownFramesAreIgnored() {
        for frame in [BrokerFrame.stdout([0, 1, 255, 10]), .stderr(Array("x".utf8)), .exit(3), .error("no", status: 2), .signal("INT")] {
            #expect(BrokerFrame.parse(Array(frame.line.dropLast())) == frame)
        }
        #expect(BrokerFrame.parse(Array(#"{"type":"signal","signal":"KILL"}"#.utf8)) == nil)
        #expect(BrokerFrame.parse(Array(#"{"type":"exit","status":999}"#.utf8)) == nil)
    }
}
