import Foundation
import RigorGuard
import RigorTestSupport
import Testing

/// Runs `redteam/run.py` for real: ≥100 attempts through the policy, the hook and `rigor guard
/// exec`, each scored layer by layer against its expected outcome, plus legitimate commands
/// that must not be blocked; and the harness scenarios (redteam/harness.py) that attack
/// Rigor's own machinery.
@Suite(.serialized) struct RedTeamTests {
    /// Runs the suite with `extra` arguments, prints its tables, returns the parsed JSON report.
    func runSuite(_ extra: [String]) throws -> (status: Int32, stdout: String, report: [String: Any]) {
        let json = NSTemporaryDirectory() + "/rigor-redteam-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: json) }
        let r = try runProcess(["python3", RepoPaths.root + "/redteam/run.py", "--rigor", RepoPaths.rigorBinary, "--json", json] + extra,
                               timeout: 1200)
        print(r.stdout)
        if !r.stderr.isEmpty { print(r.stderr) }
        let data = try Data(contentsOf: URL(fileURLWithPath: json))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (r.status, r.stdout, report)
    }

    func checkAttempts(_ extra: [String]) throws {
        let (status, stdout, report) = try runSuite(extra + ["--no-harness"])
        let s = try #require(report["summary"] as? [String: Any])
        let attempts = try #require(s["attempts"] as? Int)
        let legit = try #require(s["legit"] as? Int)
        #expect(attempts >= 100)
        #expect(legit >= 30)
        let mismatches = try #require(report["mismatch_list"] as? [[String: Any]])
        #expect(mismatches.isEmpty, "layer mismatches (attempt, layer, expected, observed): \(mismatches.map { "\($0["attempt"] ?? "")|\($0["layer"] ?? "")|\($0["expected"] ?? "")|\($0["observed"] ?? "")" })")
        #expect(s["changed_not_restored"] as? Int == 0, "protected state left changed")
        #expect(s["false_blocks"] as? Int == 0, "legitimate commands blocked")
        #expect(s["ok"] as? Int == attempts)
        #expect(s["legit_ok"] as? Int == legit)
        #expect(status == 0, "\(stdout.suffix(3000))")
    }

    @Test(.enabled(if: bubblewrapWorks, "bubblewrap (Debian package bubblewrap) is not usable here"))
    func bubblewrapEveryLayerAsExpected() throws {
        try checkAttempts([])
    }

    @Test func fallbackEveryLayerAsExpected() throws {
        try checkAttempts(["--fallback"])
    }

    @Test(.enabled(if: bubblewrapWorks, "bubblewrap (Debian package bubblewrap) is not usable here"))
    func harnessScenarios() throws {
        let (status, stdout, report) = try runSuite(["--only-harness"])
        let rows = try #require(report["harness"] as? [[String: Any]])
        #expect(rows.count >= 30)
        let bad = rows.filter { ($0["ok"] as? Bool) != true }
        #expect(bad.isEmpty, "harness scenarios not blocked or restored: \(bad.map { "\($0["class"] ?? "") [\($0["mode"] ?? "")] \($0["attempt"] ?? ""): \($0["outcome"] ?? "") — \($0["detail"] ?? "")" })")
        let s = try #require(report["summary"] as? [String: Any])
        #expect(s["false_blocks"] as? Int == 0)
        #expect(status == 0, "\(stdout.suffix(3000))")
    }
}
