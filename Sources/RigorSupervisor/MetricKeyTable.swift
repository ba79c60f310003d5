#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns the metric keys of one run's events: each distinct key (its UTF-8 bytes) gets a
/// dense id, in first-interned order, and its `String` is made once. The event hot path
/// looks keys up by their raw bytes, so a line makes no String and touches no Dictionary.
/// A value type, so the hot path pays no dynamic exclusivity checks.
struct MetricKeyTable {
    /// Key names by id.
    private(set) var names: [String] = []
    private var arena: [UInt8] = []
    private var spans: [(start: Int, count: Int, hash: UInt64)] = []
    /// Open addressing: id + 1, or 0 for an empty slot. Capacity is a power of two.
    private var slots: [Int32] = Array(repeating: 0, count: 64)

    var count: Int { names.count }

    /// The id of a key given as bytes without escapes; nil when the bytes are not valid UTF-8.
    mutating func id(_ key: UnsafeRawBufferPointer) -> Int? {
        let h = MetricKeyTable.hash(key)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            let span = spans[Int(s) - 1]
            if span.hash == h, span.count == key.count, equal(span.start, key) { return Int(s) - 1 }
            i = (i + 1) & mask
        }
        guard let name = String(validating: key.bindMemory(to: UInt8.self), as: UTF8.self) else { return nil }
        return insert(key, name: name, hash: h, slot: i)
    }

    /// The id of a key given as a String (interned when new).
    mutating func id(_ name: String) -> Int {
        var utf8 = Array(name.utf8)
        return utf8.withUnsafeMutableBytes { raw in
            // Valid UTF-8 by construction: the lookup cannot fail.
            id(UnsafeRawBufferPointer(raw)) ?? insertUnchecked(UnsafeRawBufferPointer(raw), name: name)
        }
    }

    private func equal(_ start: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        guard let base = key.baseAddress, !key.isEmpty else { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + start, base, key.count) == 0 }
    }

    private mutating func insertUnchecked(_ key: UnsafeRawBufferPointer, name: String) -> Int {
        let h = MetricKeyTable.hash(key)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        return insert(key, name: name, hash: h, slot: i)
    }

    private mutating func insert(_ key: UnsafeRawBufferPointer, name: String, hash h: UInt64, slot: Int) -> Int {
        let id = names.count
        spans.append((arena.count, key.count, h))
        arena.append(contentsOf: key)
        names.append(name)
        slots[slot] = Int32(id + 1)
        if names.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for (id, span) in spans.enumerated() {
            var i = Int(truncatingIfNeeded: span.hash) & mask
            while bigger[i] != 0 { i = (i + 1) & mask }
            bigger[i] = Int32(id + 1)
        }
        slots = bigger
    }

    /// FNV-1a, 64-bit (keys are short).
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h ^ (h >> 29)
    }
}
