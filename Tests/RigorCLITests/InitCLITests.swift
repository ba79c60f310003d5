import Foundation
import RigorBasics
import RigorTestSupport
import Testing

/// `rigor init` (issue 9, item 3): adds what a research-kit workspace lacks, keeps everything
/// else, and changes nothing the second time.
struct InitCLITests {
    static func snapshot(_ root: String) -> [String: Data] {
        var out: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: root)
        while let p = walker?.nextObject() as? String {
            if let d = FileManager.default.contents(atPath: root + "/" + p) { out[p] = d }
        }
        return out
    }

    @Test func aPrefixedWorkspaceGetsItsFilesAndASecondRunChangesNothing() throws {
        let ws = TempDirectory(prefix: "rigor-init")
        try FileManager.default.createDirectory(atPath: ws.path + "/.kit/experiments", withIntermediateDirectories: true)
        ws.write(".kit/QUESTIONS.md", "# Our questions\n")
        ws.write(".claude/settings.json", #"{"model": "opus", "permissions": {"allow": ["Bash(ls:*)"]}}"#)
        let first = try rigor("init", ws.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("created  rigor.yaml") && first.stdout.contains("merged   .claude/settings.json"), "\(first.stdout)")
        #expect(first.stdout.contains("created  .kit/RESEARCH_LOG.md") && first.stdout.contains("kept     .kit/QUESTIONS.md"))
        #expect(try String(contentsOfFile: ws.path + "/.kit/QUESTIONS.md", encoding: .utf8) == "# Our questions\n")
        let settings = try JSONReader.parse(try String(contentsOfFile: ws.path + "/.claude/settings.json", encoding: .utf8)).value
        #expect(settings["model"] == .string("opus"))
        #expect(settings["permissions"]?["allow"] == .array(["Bash(ls:*)"]))
        let command = settings["hooks"]?["PreToolUse"]?.arrayValue?.first?["hooks"]?.arrayValue?.first?["command"]?.stringValue
        #expect(command?.hasSuffix(" hook pre-tool-use") == true, "\(settings)")

        let before = Self.snapshot(ws.path)
        let second = try rigor("init", ws.path)
        #expect(second.status == 0)
        #expect(second.stdout.contains("nothing to do: the workspace was ready"), "\(second.stdout)")
        #expect(Self.snapshot(ws.path) == before)
    }

    @Test func unusableFilesAreReportedAndLeftAsTheyAre() throws {
        let ws = TempDirectory(prefix: "rigor-init-bad")
        try FileManager.default.createDirectory(atPath: ws.path + "/experiments", withIntermediateDirectories: true)
        ws.write("rigor.yaml", "agent: claude\nmodels: opus\n")
        let r = try rigor("init", ws.path)
        #expect(r.status == 2)
        #expect(r.errorLines.last == "rigor: \(ws.path)/rigor.yaml:2: unknown key 'models' (known: agent, model, provider, base_url, api_key_env, context_window, max_turns, time_budget, cloud_preference)", "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/.claude"))

        ws.write("rigor.yaml", "cloud_preference: sometimes\n")
        let r2 = try rigor("init", ws.path)
        #expect(r2.status == 2 && r2.stderr.contains("rigor.yaml:1: cloud_preference 'sometimes' is not one of local, cloud-first, cloud-always"), "\(r2.stderr)")

        ws.write("rigor.yaml", "agent: none\n")
        ws.write(".claude/settings.json", "{ not json")
        let r3 = try rigor("init", ws.path)
        #expect(r3.status == 2 && r3.stderr.contains("settings.json") && r3.stderr.contains("left as it is"), "\(r3.stderr)")
        #expect(try String(contentsOfFile: ws.path + "/.claude/settings.json", encoding: .utf8) == "{ not json")
    }

    @Test func aFolderWithoutSpecsIsNotAWorkspace() throws {
        let dir = TempDirectory(prefix: "rigor-init-none")
        let r = try rigor("init", dir.path)
        #expect(r.status == 2)
        #expect(r.errorLines.last?.contains("not a research-kit workspace") == true, "\(r.stderr)")
    }

    @Test func aLinkPlantedWhereInitWritesIsRefused() throws {
        let ws = TempDirectory(prefix: "rigor-init-link")
        let elsewhere = TempDirectory(prefix: "rigor-init-elsewhere")
        try FileManager.default.createDirectory(atPath: ws.path + "/experiments", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: ws.path + "/.claude", withDestinationPath: elsewhere.path)
        let r = try rigor("init", ws.path)
        #expect(r.status == 2)
        #expect(r.errorLines.last?.contains("/.claude: is a symbolic link") == true, "\(r.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: elsewhere.path)) ?? []).isEmpty)
    }
}
