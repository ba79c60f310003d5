import Foundation
import RigorBasics
import RigorSpec

/// How a spec metric name was found among the keys of a metrics file; strongest first.
public enum MetricMatchKind: String, Sendable, Codable, Comparable {
    /// The key normalises to exactly the spec metric's key.
    case exactKey = "exact-key"
    /// The key normalises to the spec key of the metric's parenthetical (`Brier skill score (BSS)` ↔ `bss`).
    case alias
    /// The key's words (fillers dropped, plurals folded) are the metric's words, in any order.
    case sameWords = "same-words"
    /// The key's words include all of the metric's words.
    case keyContainsWords = "key-contains-words"
    /// The words of the key and its enclosing keys together include all of the metric's words.
    case pathContainsWords = "path-contains-words"

    private var rank: Int {
        switch self {
        case .exactKey: return 0
        case .alias: return 1
        case .sameWords: return 2
        case .keyContainsWords: return 3
        case .pathContainsWords: return 4
        }
    }

    public static func < (a: MetricMatchKind, b: MetricMatchKind) -> Bool { a.rank < b.rank }
}

/// A key of the metrics file, with the keys above it.
public struct MetricKeyPath: Sendable, Equatable {
    /// JSON pointer of the key.
    public var pointer: String
    /// The object keys from the top level down to this key (array indices left out).
    public var keys: [String]
    public var leaf: String { keys.last ?? "" }
}

/// The rule that decides whether a spec metric is reported by a key of the metrics file.
/// It is documented word for word in docs/metrics-schema.md ("Matching spec metrics").
public enum MetricMatcher {
    /// Words ignored on both sides: they carry no identity in a metric name.
    public static let fillerWords: Set<String> = [
        "a", "an", "the", "of", "for", "each", "every", "per", "on", "in", "at", "to", "and", "or", "with", "by", "from",
    ]

    /// The metric's words: tokens of its normalised key, fillers dropped, plurals folded.
    public static func words(ofKey key: String) -> Set<String> {
        Set(MetricKey.tokens(key).filter { !fillerWords.contains($0) }.map(singular))
    }

    /// `scores` → `score`; words of three letters or fewer and words ending in `ss` are kept.
    public static func singular(_ word: String) -> String {
        guard word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss") else { return word }
        return String(word.dropLast())
    }

    /// Normalised alias keys of a metric: each parenthetical in its name (`(BSS)` → `bss`).
    public static func aliases(of name: String) -> [String] {
        var out: [String] = []
        var depth = 0
        var current = ""
        for ch in name {
            if ch == "(" { if depth == 0 { current = "" } else { current.append(ch) }; depth += 1; continue }
            if ch == ")" {
                depth = max(0, depth - 1)
                if depth == 0 {
                    let key = MetricKey.normalize(current)
                    if !key.isEmpty { out.append(key) }
                }
                continue
            }
            if depth > 0 { current.append(ch) }
        }
        return out
    }

    /// How `metric` matches `path`, or nil. The leaf is compared first; the path only as a last resort.
    public static func match(_ metric: SpecMetric, _ path: MetricKeyPath) -> MetricMatchKind? {
        match(Target(metric), Candidate(path))
    }

    /// A spec metric prepared for matching (normalised once).
    struct Target {
        let key: String
        let words: Set<String>
        let aliases: [String]
        init(_ metric: SpecMetric) {
            key = metric.key.isEmpty ? MetricKey.normalize(metric.name) : metric.key
            words = MetricMatcher.words(ofKey: key)
            aliases = MetricMatcher.aliases(of: metric.name)
        }
    }

    /// A key path prepared for matching (normalised once).
    struct Candidate {
        let path: MetricKeyPath
        let leafKey: String
        let leafWords: Set<String>
        let pathWords: Set<String>
        init(_ path: MetricKeyPath, normalized cache: inout [String: (String, Set<String>)]) {
            self.path = path
            func norm(_ k: String, _ cache: inout [String: (String, Set<String>)]) -> (String, Set<String>) {
                if let hit = cache[k] { return hit }
                let key = MetricKey.normalize(k)
                let value = (key, MetricMatcher.words(ofKey: key))
                cache[k] = value
                return value
            }
            (leafKey, leafWords) = norm(path.leaf, &cache)
            var all = Set<String>()
            for k in path.keys { all.formUnion(norm(k, &cache).1) }
            pathWords = all
        }
        init(_ path: MetricKeyPath) {
            var cache: [String: (String, Set<String>)] = [:]
            self.init(path, normalized: &cache)
        }
    }

    static func match(_ t: Target, _ c: Candidate) -> MetricMatchKind? {
        guard !t.words.isEmpty else { return nil }
        if c.leafKey == t.key { return .exactKey }
        if t.aliases.contains(c.leafKey) { return .alias }
        if c.leafWords == t.words { return .sameWords }
        if c.leafWords.isSuperset(of: t.words) { return .keyContainsWords }
        if c.pathWords.isSuperset(of: t.words) { return .pathContainsWords }
        return nil
    }

    /// Prepares many paths at once, normalising each distinct key once.
    static func candidates(_ paths: [MetricKeyPath]) -> [Candidate] {
        var cache: [String: (String, Set<String>)] = [:]
        return paths.map { Candidate($0, normalized: &cache) }
    }

    /// Every object key of `value` at any depth (arrays are entered; their indices are not keys).
    public static func keyPaths(in value: JSONValue, pointer: String = "", keys: [String] = []) -> [MetricKeyPath] {
        var out: [MetricKeyPath] = []
        switch value {
        case .object(let o):
            for entry in o {
                let p = pointer + "/" + JSONReader.escapePointer(entry.key)
                let k = keys + [entry.key]
                out.append(MetricKeyPath(pointer: p, keys: k))
                out += keyPaths(in: entry.value, pointer: p, keys: k)
            }
        case .array(let items):
            for (i, item) in items.enumerated() { out += keyPaths(in: item, pointer: pointer + "/\(i)", keys: keys) }
        default: break
        }
        return out
    }
}
