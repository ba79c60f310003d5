import Synchronization

/// Whoever must know what Rigor itself wrote to its records (the guard in chmod-fallback
/// mode, where a root child can write them: it checks at the end of the phase that the
/// records hold exactly what Rigor wrote). Paths are absolute.
public protocol RecordWitness: Sendable {
    /// Rigor appended `bytes` to the file (ledger, journal).
    func appended(_ path: String, _ bytes: [UInt8])
    /// Rigor wrote the file's whole content (run.json, the Python helper, a cache).
    func replaced(_ path: String, _ bytes: [UInt8])
    /// Rigor has finished writing the file (a run's logs); its content now is Rigor's.
    func finished(_ path: String)
    /// Rigor created a folder among its records (a run folder).
    func created(_ directory: String)
}

/// The witness in force for this process (none by default).
public enum RecordWitnesses {
    private static let slot = Mutex<(any RecordWitness)?>(nil)

    public static func install(_ witness: (any RecordWitness)?) { slot.withLock { $0 = witness } }
    static var current: (any RecordWitness)? { slot.withLock { $0 } }

    public static func appended(_ path: String, _ bytes: [UInt8]) { current?.appended(path, bytes) }
    public static func replaced(_ path: String, _ bytes: [UInt8]) { current?.replaced(path, bytes) }
    public static func finished(_ path: String) { current?.finished(path) }
    public static func created(_ directory: String) { current?.created(directory) }
}
