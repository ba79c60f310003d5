import Foundation
import RigorTestSupport
import Testing

/// `rigor spec check` on bad input: one clear line, a non-zero exit, never a crash or a hang.
@Suite struct SpecCheckCLITests {
    let dir = TempDirectory()

    func expectOneLineError(_ r: ProcessResult, status: Int32, containing: String) {
        #expect(!r.timedOut)
        #expect(r.status == status, "stdout: \(r.stdout) stderr: \(r.stderr)")
        #expect(r.errorLines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(containing), "\(r.stderr)")
        #expect(r.stderr.hasPrefix("rigor: "))
    }

    @Test func emptyFile() throws {
        let p = dir.write("empty.md", "")
        expectOneLineError(try rigor("spec", "check", p), status: 2, containing: "empty")
    }

    @Test func binaryFile() throws {
        let p = dir.path + "/bin.md"
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: p))
        expectOneLineError(try rigor("spec", "check", p), status: 2, containing: "binary data")
    }

    @Test func fiftyMegabyteFile() throws {
        let p = dir.path + "/big.md"
        FileManager.default.createFile(atPath: p, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: p))
        let chunk = Data(String(repeating: "## Hypothesis\nmore text\n", count: 40_000).utf8)
        for _ in 0..<55 { h.write(chunk) }
        try h.close()
        expectOneLineError(try rigor("spec", "check", p), status: 2, containing: "larger than")
    }

    @Test func directory() throws {
        expectOneLineError(try rigor("spec", "check", dir.path), status: 2, containing: "is a directory")
    }

    @Test func missingPath() throws {
        expectOneLineError(try rigor("spec", "check", dir.path + "/nope.md"), status: 2, containing: "no such file")
    }

    @Test func invalidUTF8() throws {
        let p = dir.path + "/latin1.md"
        try Data("## Hypothesis\ncaf\u{E9}".utf8.map { $0 } + [0xE9, 0x0A]).write(to: URL(fileURLWithPath: p))
        expectOneLineError(try rigor("spec", "check", p), status: 2, containing: "UTF-8")
    }

    @Test func duplicateSections() throws {
        let spec = try String(contentsOfFile: RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md", encoding: .utf8)
        let p = dir.write("experiments/exp-009-dup.md", spec + "\n## Abort Criteria\n- again\n")
        let r = try rigor("spec", "check", p)
        #expect(r.status == 0, "a repeated section is kept and warned about, not refused: \(r.stdout)")
        let line = r.lines.first { $0.contains("[duplicate-section]") }
        #expect(line?.contains("exp-009-dup.md:") == true, "\(r.stdout)")
        #expect(line?.contains("warning: section 'Abort Criteria' repeats") == true, "\(r.stdout)")
    }

    @Test func yamlWithTabsAndGarbage() throws {
        let spec = try String(contentsOfFile: RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md", encoding: .utf8)
        let p1 = dir.write("tabs.md", spec.replacingOccurrences(of: "memory_gb: 0.1", with: "memory_gb:\t0.1"))
        let r1 = try rigor("spec", "check", p1)
        #expect(r1.status == 1)
        #expect(r1.lines.contains { $0.contains("tabs.md:") && $0.contains("tab character") && $0.contains("[compute-profile-yaml]") })
        let p2 = dir.write("garbage.md", spec.replacingOccurrences(of: "memory_gb: 0.1", with: "memory_gb: [0.1\n}{: :"))
        let r2 = try rigor("spec", "check", p2)
        #expect(r2.status == 1)
        #expect(r2.lines.contains { $0.contains("garbage.md:") && $0.contains("[compute-profile-yaml]") })
    }

    @Test func exampleSpecIsCleanAndJSONIsTheContract() throws {
        let p = RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md"
        let r = try rigor("spec", "check", p)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        // The table (header and one row), then one enforcement line per abort criterion.
        #expect(r.lines.filter { !$0.contains(": abort criterion line ") }.count == 2, "\(r.stdout)")
        #expect(r.lines.filter { $0.contains(": abort criterion line ") }.count == 3, "\(r.stdout)")
        let j = try rigor("spec", "check", "--json", p)
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        #expect(obj?["experimentID"] as? String == "exp-001-hidden-width")
        #expect((obj?["sha256"] as? String)?.count == 64)
        #expect((obj?["metrics"] as? [Any])?.count == 5)
    }
}
