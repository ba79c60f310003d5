import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Run ids: `20261127T081500Z-a1b2` (UTC start second + 4 random hex digits), sortable by start.
public enum RunID {
    public static func generate() -> String { generate(at: unixSeconds()) }

    /// The id for a run starting at `unix` seconds.
    public static func generate(at unix: Double) -> String {
        var t = time_t(unix)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ-%04x", tmv.tm_year + 1900, tmv.tm_mon + 1, tmv.tm_mday,
                      tmv.tm_hour, tmv.tm_min, tmv.tm_sec, UInt16.random(in: 0...UInt16.max))
    }

    /// True when `id` is safe as one folder name.
    public static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128 && !id.hasPrefix(".")
            && id.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "._-".unicodeScalars.contains($0) }
    }
}
