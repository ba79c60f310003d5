import Foundation
import RigorSpec
import Testing

/// Mutated specs never crash the parser: deleted, duplicated and shuffled lines, random bytes.
@Suite struct SpecFuzzTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ lines: [String], _ rng: inout SplitMix) -> String {
        var out = lines
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            guard !out.isEmpty else { break }
            let i = Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: out.remove(at: i)
            case 1: out.insert(out[i], at: Int.random(in: 0...out.count, using: &rng))
            case 2: out.swapAt(i, Int.random(in: 0..<out.count, using: &rng))
            case 3:
                var bytes = Array(out[i].utf8)
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
                }
                out[i] = String(decoding: bytes, as: UTF8.self)
            case 4: out[i] = String(out[i].prefix(Int.random(in: 0...max(0, out[i].count), using: &rng)))
            default:
                let tokens = ["## Metrics", "### Primary", "```yaml", "```", "- [x] done", "| a | b |", "|---|", "<!--", "-->",
                              "- Max wall-clock time: 3", "**Tier:** Heavy", "\t: [", "## Hypothesis", "1. **x** — y"]
                out.insert(tokens[Int.random(in: 0..<tokens.count, using: &rng)], at: i)
            }
        }
        return out.joined(separator: "\n")
    }

    @Test func tenThousandMutatedSpecsParseWithoutCrashing() {
        let base = [SpecFixtures.minimal, SpecFixtures.example].map { $0.components(separatedBy: "\n") }
        var rng = SplitMix(state: 20261127)
        var withErrors = 0
        var badLines: [String] = []
        for n in 0..<10_000 {
            let text = Self.mutate(base[n % 2], &rng)
            let spec = SpecParser.parse(text: text, path: "fuzz-\(n).md")
            if spec.hasErrors { withErrors += 1 }
            // Every diagnostic points at a line of the document it was given.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            for d in spec.diagnostics where (d.line < 1 || d.line > lines + 1) && badLines.count < 5 {
                badLines.append("fuzz-\(n).md: line \(d.line) of \(lines): \(d.description)")
            }
        }
        #expect(badLines.isEmpty, "diagnostics outside their document: \(badLines)")
        // The mutations reach both outcomes: some specs stay usable, some break.
        #expect(withErrors > 0 && withErrors < 10_000, "\(withErrors) of 10000 mutated specs have errors")
    }
}
