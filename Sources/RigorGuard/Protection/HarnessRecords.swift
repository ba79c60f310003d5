import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The records Rigor keeps in an experiment's results folder and only Rigor writes: run
/// folders, the budget ledger, the protocol journal, the experiment locks, guard state and
/// `rigor run`'s records (`rigor/`). They
/// are created before any sandboxed child runs (a path must exist to be mounted read-only),
/// each created fresh or opened without following links, never through something a child
/// could have planted there.
public enum HarnessRecords {
    /// Folders, relative to the experiment's results folder.
    public static let folders = ["runs", ".rigor", "rigor"]
    /// Files, relative to the experiment's results folder.
    public static let files = ["ledger.jsonl", "protocol-journal.jsonl", ".protocol.lock", ".run.lock"]

    /// Creates the records that are missing (empty files, folders) in `set.experimentResultsDir`,
    /// and the workspace's `.rigor/` configuration folder, so that a child cannot create a
    /// `guard.yaml` there (a folder that exists is mounted read-only; one that does not, cannot be).
    public static func prepare(_ set: ProtectedSet) throws(GuardError) {
        do {
            _ = try DirectoryHandle.open(set.workspace.root).subdirectory(".rigor", create: true)
            let dir = try DirectoryHandle.openCreating(set.experimentResultsDir)
            for f in folders { _ = try dir.subdirectory(f, create: true) }
            for f in files { close(try dir.openRegular(f, flags: O_RDWR | O_CREAT)) }
        } catch { throw .io(path: set.experimentResultsDir, reason: "cannot prepare Rigor's records: \(error.description)") }
    }
}
