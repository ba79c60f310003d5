import Foundation

/// Reads human durations as written in specs and on the command line:
/// `30m`, `1h30m`, `7 hours`, `5 minutes`, `< 2 hours wall clock`, `90s`, `1.5 h`, `2 days`.
public enum DurationText {
    /// Seconds, or nil when the text holds no duration.
    public static func seconds(in text: String) -> Double? {
        let lower = text.lowercased()
        let pattern = #"(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|hr|h|minutes?|mins?|min|m|seconds?|secs?|sec|s|ms)(?![a-z])"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        let ns = lower as NSString
        let matches = regex.matches(in: lower, range: NSRange(location: 0, length: ns.length))
        guard !matches.isEmpty else { return nil }
        var total = 0.0
        var lastEnd: Int?
        for m in matches {
            // Only sum a contiguous compound like "1h30m" / "1 h 30 min"; stop at the first gap with words.
            if let end = lastEnd {
                let gap = ns.substring(with: NSRange(location: end, length: m.range.location - end))
                if !gap.trimmingCharacters(in: .whitespaces).isEmpty { break }
            }
            guard let value = Double(ns.substring(with: m.range(at: 1))) else { return nil }
            total += value * unitSeconds(ns.substring(with: m.range(at: 2)))
            lastEnd = m.range.location + m.range.length
        }
        return total
    }

    static func unitSeconds(_ unit: String) -> Double {
        switch unit {
        case "ms": return 0.001
        case "s", "sec", "secs", "second", "seconds": return 1
        case "m", "min", "mins", "minute", "minutes": return 60
        case "h", "hr", "hrs", "hour", "hours": return 3600
        default: return 86400
        }
    }

    /// `1h 02m 03s`-style rendering for people.
    public static func format(seconds: Double) -> String {
        guard seconds.isFinite else { return "\(seconds)" }
        let s = Int(seconds.rounded())
        if s < 60 { return String(format: "%.1fs", seconds) }
        let h = s / 3600, m = (s % 3600) / 60, sec = s % 60
        return h > 0 ? String(format: "%dh%02dm%02ds", h, m, sec) : String(format: "%dm%02ds", m, sec)
    }
}
