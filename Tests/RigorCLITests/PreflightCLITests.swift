import Foundation
import RigorBasics
import RigorTestSupport
import Testing

/// `rigor preflight` as a user runs it.
struct PreflightCLITests {
    let example = RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md"

    @Test func theExampleFitsHereAndTheMachineIsPrinted() throws {
        let r = try rigor("preflight", example, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let o = try JSONReader.parse(r.stdout).value
        #expect(o["advisory"] == .string("none"))
        #expect(o["preference"] == .string("local") && o["preference_source"] == .string("default"))
        let criteria = o["abort_criteria"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(criteria.count == 3 && criteria[0].hasPrefix("line 88: enforced: `isnan(loss)`"), "\(criteria)")
        #expect((o["machine"]?["cores"]?.doubleValue ?? 0) == Double(ProcessInfo.processInfo.activeProcessorCount))
        let text = try rigor("preflight", example, "--cloud-preference", "cloud-first")
        #expect(text.status == 0)
        #expect(text.lines.first?.hasPrefix("machine     \(ProcessInfo.processInfo.activeProcessorCount) core(s)") == true, "\(text.stdout)")
        // 0.02 estimated hours is under the overhead floor: a note, not a preference for cloud.
        #expect(text.stdout.contains("## Cloud Availability Note"), "\(text.stdout)")
    }

    @Test func aPreferenceThatIsNotOneOfTheThreeIsAOneLineError() throws {
        let r = try rigor(arguments: ["preflight", example], environment: ["RIGOR_CLOUD_PREFERENCE": "sometimes", "PATH": "/usr/bin:/bin"])
        #expect(r.status == 2)
        #expect(r.errorLines == ["rigor: RIGOR_CLOUD_PREFERENCE: cloud preference 'sometimes' is not one of local, cloud-first, cloud-always"], "\(r.stderr)")
    }
}
