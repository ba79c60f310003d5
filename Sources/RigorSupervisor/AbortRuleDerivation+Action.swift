import Foundation

// The action a criterion states: abort the experiment, skip the run's configuration, or
// retry once. Read from the action part of the criterion (after `→` or the table's
// condition cell); a stop that names one unit ("Abort that run", "abort that model",
// "Abort Run C", "Kill") stops only that unit.

extension AbortRuleDerivation {
    enum ActionReading: Equatable {
        case action(AbortAction, String)
        case undecided(String)
    }

    static let stopWords: Set<String> = ["abort", "stop", "kill", "halt", "terminate"]
    static let unitWords: Set<String> = ["that", "this", "run", "runs", "model", "models", "arm", "arms", "configuration",
                                         "configurations", "combination", "fit", "seed", "trial"]
    /// Words that name a configuration (an arm) rather than one run.
    static let configurationWords: Set<String> = ["arm", "arms", "configuration", "configurations", "combination", "combinations",
                                                  "config", "condition", "setting"]

    static func readAction(_ reading: CriterionReading) -> ActionReading {
        let words = reading.actionWords
        if words.contains("retry") { return .action(.retryOnce, "the spec says to retry") }
        if words.contains("skip") { return .action(.skipConfiguration, "the spec says to skip it") }
        if let i = words.firstIndex(where: { ["consider", "may", "optionally", "possibly"].contains($0) }),
           !words[..<i].contains(where: stopWords.contains) {
            return .undecided("the action is not a decision (\"\(words[i])\"): Rigor does not stop on a judgement call")
        }
        guard let i = words.firstIndex(where: stopWords.contains) else {
            let said = words.prefix(6).joined(separator: " ")
            return .action(.abortExperiment, said.isEmpty ? "no action stated; listed under abort criteria, so the experiment stops"
                : "no stop word (\"\(said)\"); listed under abort criteria, so the experiment stops with partial results")
        }
        let stop = words[i]
        let after = Array(wordsInClause(after: stop, in: reading.action).prefix(3))
        if after.first == "all" || after.first == "remaining" || after.contains("experiment") {
            return .action(.abortExperiment, "the spec says \"\(([stop] + after.prefix(2)).joined(separator: " "))\"")
        }
        let clause = wordsInClause(after: stop, in: reading.action)
        if let config = clause.first(where: configurationWords.contains) {
            return .action(.skipConfiguration, "the spec stops that configuration (\"\(stop) … \(config)\"); its remaining runs are skipped, other configurations go on")
        }
        if let unit = after.first(where: unitWords.contains) {
            return .action(.abortRun, "the spec stops only that run (\"\(stop) … \(unit)\"); other runs go on")
        }
        if stop == "kill" { return .action(.abortRun, "the spec kills that run (\"kill\"); other runs go on") }
        return .action(.abortExperiment, "the spec says \"\(stop)\"")
    }

    /// The words after the first `word` up to the end of its clause (`.`, `,`, `;`, `—`, `(`).
    static func wordsInClause(after word: String, in text: String) -> [String] {
        guard let r = text.range(of: "\\b\(word)\\b", options: [.regularExpression, .caseInsensitive]) else { return [] }
        let tail = text[r.upperBound...]
        let end = tail.firstIndex { ".,;—(".contains($0) } ?? tail.endIndex
        return CriterionReading.words(String(tail[..<end]))
    }
}
