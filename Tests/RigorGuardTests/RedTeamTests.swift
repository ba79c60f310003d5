import Foundation
import RigorGuard
import RigorTestSupport
import Testing

/// Runs `redteam/run.py` for real: ≥100 attempts in the bubblewrap sandbox, through the
/// policy and the hook, plus legitimate commands that must not be blocked.
@Suite(.serialized) struct RedTeamTests {
    @Test(.enabled(if: bubblewrapWorks, "bubblewrap (Debian package bubblewrap) is not usable here"))
    func everyAttemptBlockedOrRestoredAndNoFalseBlocks() throws {
        let json = NSTemporaryDirectory() + "/rigor-redteam-\(UUID().uuidString).json"
        let r = try runProcess(["python3", RepoPaths.root + "/redteam/run.py", "--rigor", RepoPaths.rigorBinary, "--json", json], timeout: 900)
        print(r.stdout)
        #expect(r.status == 0, "\(r.stdout.suffix(3000))\n\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let s = obj["summary"] as! [String: Any]
        #expect((s["attempts"] as! Int) >= 100)
        #expect(s["ok"] as? Int == s["attempts"] as? Int)
        #expect((s["legit"] as! Int) >= 30)
        #expect(s["legit_ok"] as? Int == s["legit"] as? Int)
    }
}
