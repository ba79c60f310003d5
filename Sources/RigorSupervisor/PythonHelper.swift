import Foundation
import RigorBasics

/// The `rigor` Python module, installed where a child's Python finds it without pip.
public enum PythonHelper {
    /// Writes `<dir>/rigor/__init__.py` (when missing or different) and returns `dir`,
    /// the folder to prepend to PYTHONPATH.
    static func install(in runs: DirectoryHandle) throws(SupervisorError) -> String {
        do {
            let dir = try runs.subdirectory(".python", create: true)
            let package = try dir.subdirectory("rigor", create: true)
            let wanted = Array(source.utf8)
            if (try? package.read("__init__.py", limit: 1 << 20)) != wanted {
                try package.writeAtomically("__init__.py", wanted)
            }
            return dir.path
        } catch { throw .io("cannot install the rigor Python module in \(runs.path)/.python: \(error)") }
    }

    /// The module's source text (identical to python/rigor/__init__.py).
    public static var moduleSource: String { source }
}
