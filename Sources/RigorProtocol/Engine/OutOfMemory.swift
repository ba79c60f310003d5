import Foundation
import RigorBasics
import RigorSupervisor

/// Whether a run ended out of memory: killed by SIGKILL that Rigor did not send (the kernel's
/// OOM killer), or its stderr ends with an allocator's or framework's out-of-memory error.
enum OutOfMemory {
    static let markers = ["out of memory", "memoryerror", "outofmemoryerror", "cannot allocate memory", "std::bad_alloc"]
    static let tailBytes = 64 * 1024

    static func detect(_ record: RunRecord, resultsDir: String) -> Bool {
        guard record.status == .failed || record.status == .signaled else { return false }
        if record.status == .signaled && record.signal == SIGKILL { return true }
        let log = resultsDir + "/runs/" + record.runID + "/stderr.log"
        let tail = String(decoding: TextFile.slice(log, count: tailBytes, fromEnd: true, followLinks: false), as: UTF8.self).lowercased()
        return markers.contains { tail.contains($0) }
    }
}
