import Foundation
import RigorTestSupport
import Testing

/// The corpus suites skip when ../shared/corpus is absent (a checkout elsewhere); under CI
/// (CI=true) that would hide them, so its absence is a failure there, and a loud line elsewhere.
@Suite struct CorpusPresenceTests {
    @Test func corpusIsPresentUnderCI() {
        guard RepoPaths.corpus == nil else { return }
        let message = "../shared/corpus is absent: the corpus suites (SpecCorpusTests, MetricsCorpusTests) did NOT run"
        print("WARNING: " + message)
        if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record(Comment(rawValue: message)) }
    }
}
