import Foundation
import RigorBasics
import RigorGuard
import Synchronization

/// The builtin agent's `bash` tool: the command is checked by Rigor's command policy, then
/// runs with `bash -c` inside the guard sandbox (a fresh one per call: the workspace and the
/// private home persist, /tmp does not), with the agent's environment (no secrets, the
/// broker's socket, `rigor` first on PATH), stopped at its timeout or the time budget, its
/// output capped with head and tail kept.
final class SandboxedShell: Sendable {
    let root: String
    let policy: CommandPolicy
    let wrapper: (any LaunchWrapper)?
    let environment: [String: String]
    let grace: Double
    private let current = Mutex<AgentProcess?>(nil)
    private let stopped = Mutex(false)

    static let defaultTimeout = 600.0

    init(root: String, policy: CommandPolicy, wrapper: (any LaunchWrapper)?, environment: [String: String], grace: Double) {
        self.root = root; self.policy = policy; self.wrapper = wrapper; self.environment = environment; self.grace = grace
    }

    /// The result of one command.
    enum Outcome {
        case refused(rule: String?, reason: String)
        case ran(status: Int32, output: String, timedOut: Bool)
        case failed(String)
    }

    /// Stops the command now running, and any later one (Ctrl-C).
    func interrupt() {
        stopped.withLock { $0 = true }
        current.withLock { $0?.interrupt() }
    }

    func run(_ command: String, timeout: Double, deadline: Double) async -> Outcome {
        let decision = policy.evaluate(command, cwd: root)
        guard decision.allowed else { return .refused(rule: decision.rule, reason: decision.reason) }
        guard let wrapper else {
            return .failed("no sandbox is available here (neither bubblewrap nor unshare can contain a command), so the bash tool is off; use the file tools")
        }
        let argv: [String]
        do { argv = try wrapper.wrap(["/bin/bash", "-c", command], workingDirectory: root) } catch {
            return .failed("the sandbox could not be prepared: \(error)")
        }
        let process = AgentProcess(argv: argv, environment: environment, workingDirectory: root)
        current.withLock { $0 = process }
        if stopped.withLock({ $0 }) { process.interrupt() }
        let limit = min(timeout, max(0, deadline - Monotonic.seconds()))
        let grace = self.grace
        let result: (Result<AgentProcess.Ending, LaunchError>, CappedOutput) = await withCheckedContinuation { done in
            // Its own thread: the sandbox ends with the thread that started it (--die-with-parent).
            Thread.detachNewThread {
                var output = CappedOutput()
                let r = Result { () throws(LaunchError) -> AgentProcess.Ending in
                    try process.run(deadline: Monotonic.seconds() + limit, budgetSeconds: limit, grace: min(grace, 5),
                                    line: { output.append($0 + [10]) }, errorBytes: { output.append($0) })
                }
                done.resume(returning: (r, output))
            }
        }
        current.withLock { $0 = nil }
        switch result.0 {
        case .failure(let e): return .failed(e.description)
        case .success(.exited(let status)): return .ran(status: status, output: result.1.text, timedOut: false)
        case .success(.timeBudget): return .ran(status: 124, output: result.1.text, timedOut: true)
        case .success(.interrupted): return .ran(status: 130, output: result.1.text, timedOut: false)
        }
    }
}
