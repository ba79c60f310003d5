import Foundation
import RigorBasics
import RigorSpec

/// `rigor init`: makes an existing research-kit workspace ready for Rigor. Adds what is missing
/// (rigor.yaml, Rigor's hook in .claude/settings.json, the READ step's files) and changes
/// nothing else; a second run changes nothing.
public enum WorkspaceSetup {
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// What was done, one line per file, in a stable order.
    public struct Report: Sendable, Equatable {
        public var workspace: Workspace
        public var lines: [String] = []
        public var changed = false
    }

    /// Finds the workspace at `dir`: `dir/experiments`, or `dir/<.prefix>/experiments`.
    public static func locate(_ dir: String) throws(Problem) -> Workspace {
        let root = Workspace.absolute(dir)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: root + "/experiments", isDirectory: &isDir), isDir.boolValue {
            return Workspace(root: root)
        }
        let hidden = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix(".") && $0 != ".git" }.sorted()
        for name in hidden where FileManager.default.fileExists(atPath: root + "/" + name + "/experiments", isDirectory: &isDir) && isDir.boolValue {
            return Workspace(root: root, base: root + "/" + name)
        }
        throw Problem(message: "\(root): not a research-kit workspace (no experiments/ folder, nor one under a prefix such as .kit/); run rigor init in the repository that holds the specs")
    }

    public static func run(_ dir: String, rigorPath: String) throws(Problem) -> Report {
        let workspace = try locate(dir)
        var report = Report(workspace: workspace)
        func shown(_ path: String) -> String { String(path.dropFirst(workspace.root.count + 1)) }

        // rigor.yaml: written when missing; an existing one is checked, never rewritten.
        let configPath = workspace.root + "/" + WorkspaceConfig.fileName
        if FileManager.default.fileExists(atPath: configPath) {
            do { _ = try WorkspaceConfig.load(root: workspace.root) } catch { throw Problem(message: error.description) }
            report.lines.append("kept     \(shown(configPath)) (valid)")
        } else {
            try write(WorkspaceConfig.template, to: configPath)
            report.lines.append("created  \(shown(configPath)) (agent, model, time budget, cloud preference)")
            report.changed = true
        }

        // .claude/settings.json: Rigor's hook merged in; other settings kept.
        let settingsPath = workspace.root + "/.claude/settings.json"
        var existing = JSONObject()
        if FileManager.default.fileExists(atPath: settingsPath) {
            do {
                let text = try TextFile.read(settingsPath, limit: 8 << 20)
                guard let object = try JSONReader.parse(text).value.objectValue else {
                    throw Problem(message: "\(settingsPath): not a JSON object; left as it is (fix it, then run rigor init again)")
                }
                existing = object
            } catch let problem as Problem { throw problem } catch {
                throw Problem(message: "\(settingsPath): \(error); left as it is (fix it, then run rigor init again)")
            }
        }
        let merged = ClaudeSettings.merging(hookInto: existing, rigorPath: rigorPath)
        if merged.changed {
            do { try FileManager.default.createDirectory(atPath: workspace.root + "/.claude", withIntermediateDirectories: true) } catch {
                throw Problem(message: "\(workspace.root)/.claude: \(error.localizedDescription)")
            }
            try write(JSONValue.object(merged.settings).serialized(pretty: true), to: settingsPath)
            report.lines.append("\(existing.keys.isEmpty ? "created " : "merged  ") \(shown(settingsPath)) (PreToolUse hook: \(ClaudeSettings.workspaceHookCommand(rigorPath: rigorPath)))")
            report.changed = true
        } else {
            report.lines.append("kept     \(shown(settingsPath)) (Rigor's hook is registered)")
        }

        // The READ step's files, where the specs' workspace keeps them (the base).
        for file in ReadStepTemplates.files {
            let path = workspace.base + "/" + file.name
            if FileManager.default.fileExists(atPath: path) {
                report.lines.append("kept     \(shown(path))")
            } else {
                try write(file.text, to: path)
                report.lines.append("created  \(shown(path)) (template)")
                report.changed = true
            }
        }
        return report
    }

    /// Writes atomically, refusing a link at the file or at its folder: the workspace may hold
    /// files an agent wrote, and a planted link must not send Rigor's write elsewhere.
    private static func write(_ text: String, to path: String) throws(Problem) {
        for p in [path, (path as NSString).deletingLastPathComponent] {
            var st = stat()
            if lstat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
                throw Problem(message: "\(p): is a symbolic link; rigor init does not write through links (replace it with a plain file or folder)")
            }
        }
        do { try AtomicFile.write(text, to: path) } catch { throw Problem(message: "\(path): \(error)") }
    }
}
