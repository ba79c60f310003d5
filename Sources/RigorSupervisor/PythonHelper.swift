import Foundation
import RigorBasics

/// The `rigor` Python module, installed where a child's Python finds it without pip.
public enum PythonHelper {
    /// Writes `<dir>/rigor/__init__.py` (when missing or different) and returns `dir`,
    /// the folder to prepend to PYTHONPATH.
    static func install(in dir: String) throws(SupervisorError) -> String {
        let file = dir + "/rigor/__init__.py"
        if let existing = FileManager.default.contents(atPath: file), existing == Data(source.utf8) { return dir }
        do {
            try FileManager.default.createDirectory(atPath: dir + "/rigor", withIntermediateDirectories: true)
            try AtomicFile.write(source, to: file)
        } catch { throw .io("cannot install the rigor Python module in \(dir): \(error)") }
        return dir
    }

    /// The module's source text (identical to python/rigor/__init__.py).
    public static var moduleSource: String { source }
}
