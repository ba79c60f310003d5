import ArgumentParser
import Foundation
import RigorBasics
import RigorGuard

/// `rigor init [DIR]`: make a research-kit workspace ready for Rigor.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a research-kit workspace ready for Rigor: rigor.yaml, the Claude Code hook, the READ step's files.",
        discussion: """
        Adds what is missing and changes nothing else; running it again changes nothing. Exit status: 0 done; \
        2 not a workspace, or an existing rigor.yaml or .claude/settings.json that cannot be used (left as it is).
        """)

    @Argument(help: "The workspace (default: the current folder).") var dir: String = "."

    func run() async throws {
        let (rigorPath, note) = ClaudeSettings.hookExecutable()
        if let note { ExecCLI.note(note) }
        let report: WorkspaceSetup.Report
        do { report = try WorkspaceSetup.run(dir, rigorPath: rigorPath) } catch { ExecCLI.fail(error.description) }
        Console.print("workspace \(report.workspace.root)" + (report.workspace.base == report.workspace.root ? "" : " (specs under \(report.workspace.base.dropFirst(report.workspace.root.count + 1))/)"))
        for line in report.lines { Console.print("  " + line) }
        Console.print(report.changed ? "ready for rigor run" : "nothing to do: the workspace was ready")
    }
}
