import Foundation

/// Recursive-descent parser for one abort rule (grammar in docs/abort-rules.md).
struct AbortRuleParser {
    enum Token: Equatable {
        case number(Double)
        case word(String)
        case op(String)
        case end
    }

    let source: String
    private var tokens: [(token: Token, column: Int)] = []
    private var index = 0
    private var lexError: AbortRuleError?
    private var trackerCount = 0

    static let units: [String: Double] = [
        "ms": 0.001, "s": 1, "sec": 1, "secs": 1, "m": 60, "min": 60, "mins": 60,
        "h": 3600, "hr": 3600, "hrs": 3600, "d": 86400,
    ]

    init(_ source: String) {
        self.source = source
        lex()
    }

    private func fail(_ column: Int, _ message: String) -> AbortRuleError {
        AbortRuleError(rule: source, column: column, message: message)
    }

    private mutating func lex() {
        let chars = Array(source)
        var i = 0
        func isWordStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." || c == "/" }
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c.isWhitespace { i += 1; continue }
            if c.isASCII && c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count, chars[j].isASCII, chars[j].isNumber || chars[j] == "." { j += 1 }
                if j < chars.count, chars[j] == "e" || chars[j] == "E",
                   j + 1 < chars.count, chars[j + 1].isNumber || ((chars[j + 1] == "-" || chars[j + 1] == "+") && j + 2 < chars.count && chars[j + 2].isNumber) {
                    j += 2
                    while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                }
                let text = String(chars[i..<j])
                guard var value = Double(text) else { lexError = fail(column, "'\(text)' is not a number"); return }
                var k = j
                while k < chars.count, chars[k].isLetter { k += 1 }
                if k > j {
                    let unit = String(chars[j..<k]).lowercased()
                    guard let factor = AbortRuleParser.units[unit] else {
                        lexError = fail(j + 1, "unknown unit '\(unit)' (time units: ms, s, m/min, h, d)")
                        return
                    }
                    value *= factor
                }
                tokens.append((.number(value), column))
                i = k
                continue
            }
            if isWordStart(c) {
                var j = i
                while j < chars.count, isWord(chars[j]) { j += 1 }
                tokens.append((.word(String(chars[i..<j])), column))
                i = j
                continue
            }
            if "<>=!".contains(c) {
                if i + 1 < chars.count, chars[i + 1] == "=" {
                    tokens.append((.op(String(c) + "="), column)); i += 2; continue
                }
                if c == "=" || c == "!" {
                    lexError = fail(column, c == "=" ? "use '==' to compare for equality" : "use 'not' for negation, or '!=' to compare")
                    return
                }
                tokens.append((.op(String(c)), column)); i += 1; continue
            }
            if "(),-".contains(c) { tokens.append((.op(String(c)), column)); i += 1; continue }
            lexError = fail(column, "unexpected character '\(c)'")
            return
        }
        tokens.append((.end, chars.count + 1))
    }

    private var current: Token { tokens[index].token }
    private var column: Int { tokens[index].column }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func describe(_ t: Token) -> String {
        switch t {
        case .number(let d): return "number \(d)"
        case .word(let w): return "'\(w)'"
        case .op(let o): return "'\(o)'"
        case .end: return "end of rule"
        }
    }

    private func isKeyword(_ w: String) -> Bool { ["and", "or", "not", "for", "after"].contains(w) }

    /// Words accepted after `for N`.
    static let holdUnits: Set<String> = ["steps", "step", "epochs", "epoch", "evaluations", "evaluation", "evals", "events", "event", "times"]

    mutating func parseRule() throws(AbortRuleError) -> AbortRule {
        if let lexError { throw lexError }
        if case .end = current { throw fail(1, "the rule is empty") }
        let condition = try parseOr()
        var holdFor = 1
        var afterStep: Double?
        var seenFor = false, seenAfter = false
        while case .word(let w) = current {
            if w == "for" && !seenFor {
                seenFor = true
                advance()
                guard case .number(let n) = current, n >= 1, n == n.rounded() else {
                    throw fail(column, "expected a whole number after 'for' (for N steps, epochs or evaluations), found \(describe(current))")
                }
                holdFor = Int(n)
                advance()
                // Every unit counts consecutive evaluations of the rule (one per logged event that
                // carries its metrics): a script that logs once per epoch makes them epochs.
                guard case .word(let unit) = current, AbortRuleParser.holdUnits.contains(unit) else {
                    throw fail(column, "expected 'steps', 'epochs' or 'evaluations' after 'for \(holdFor)', found \(describe(current))")
                }
                advance()
            } else if w == "after" && !seenAfter {
                seenAfter = true
                advance()
                guard case .word("step") = current else { throw fail(column, "expected 'step' after 'after', found \(describe(current))") }
                advance()
                guard case .number(let n) = current else { throw fail(column, "expected a step number after 'after step', found \(describe(current))") }
                afterStep = n
                advance()
            } else {
                break
            }
        }
        guard case .end = current else {
            throw fail(column, "unexpected \(describe(current)); expected 'and', 'or', 'for N steps', 'after step N' or the end of the rule")
        }
        return AbortRule(source: source, condition: condition, holdFor: holdFor, afterStep: afterStep)
    }

    private mutating func parseOr() throws(AbortRuleError) -> AbortExpression {
        var left = try parseAnd()
        while case .word("or") = current { advance(); left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(AbortRuleError) -> AbortExpression {
        var left = try parseNot()
        while case .word("and") = current { advance(); left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(AbortRuleError) -> AbortExpression {
        if case .word("not") = current { advance(); return .not(try parseNot()) }
        return try parseCondition()
    }

    private mutating func parseCondition() throws(AbortRuleError) -> AbortExpression {
        let start = column
        if case .op("(") = current {
            // A parenthesised condition, or a parenthesised term starting a comparison.
            let save = index
            advance()
            if let inner = try? parseOr(), case .op(")") = current {
                advance()
                return inner
            }
            index = save
        }
        if case .word(let name) = current, ["isnan", "isinf", "no_improvement", "any"].contains(name) {
            advance()
            return try parseFunction(name, column: start)
        }
        let left = try parseTerm()
        guard case .op(let o) = current, let op = ComparisonOperator(rawValue: o) else {
            throw fail(column, "expected a comparison (<, <=, >, >=, ==, !=) after the value, found \(describe(current))")
        }
        advance()
        let right = try parseTerm()
        return .compare(left, op, right)
    }

    private mutating func expect(_ op: String, _ what: String) throws(AbortRuleError) {
        guard case .op(op) = current else { throw fail(column, "expected '\(op)' \(what), found \(describe(current))") }
        advance()
    }

    private mutating func parseFunction(_ name: String, column start: Int) throws(AbortRuleError) -> AbortExpression {
        try expect("(", "after \(name)")
        switch name {
        case "any":
            // any(isnan) / any(isinf): over every value the run has logged.
            guard case .word(let test) = current, test == "isnan" || test == "isinf" else {
                throw fail(column, "any(…) takes isnan or isinf: any(isnan) or any(isinf), found \(describe(current))")
            }
            advance()
            try expect(")", "to close any(")
            return test == "isnan" ? .anyNaN : .anyInf
        case "isnan", "isinf":
            let term = try parseTerm()
            try expect(")", "to close \(name)(")
            return name == "isnan" ? .isNaN(term) : .isInf(term)
        default:
            guard case .word(let metric) = current, !isKeyword(metric), !["wall", "gpu_hours", "step"].contains(metric) else {
                throw fail(column, "no_improvement needs a metric name first, found \(describe(current))")
            }
            advance()
            try expect(",", "after the metric in no_improvement(metric, N)")
            guard case .number(let n) = current, n >= 1, n == n.rounded() else {
                throw fail(column, "no_improvement needs a whole number of events (N >= 1), found \(describe(current))")
            }
            advance()
            var maximize = false
            if case .op(",") = current {
                advance()
                guard case .word(let dir) = current, dir == "min" || dir == "max" else {
                    throw fail(column, "expected 'min' or 'max' (which direction is better), found \(describe(current))")
                }
                maximize = dir == "max"
                advance()
            }
            try expect(")", "to close no_improvement(")
            defer { trackerCount += 1 }
            return .noImprovement(metric: metric, count: Int(n), maximize: maximize, slot: trackerCount)
        }
    }

    private mutating func parseTerm() throws(AbortRuleError) -> AbortTerm {
        switch current {
        case .number(let d): advance(); return .number(d)
        case .op("-"): advance(); return .negate(try parseTerm())
        case .op("("):
            advance()
            let t = try parseTerm()
            try expect(")", "to close '('")
            return t
        case .word(let w) where !isKeyword(w):
            advance()
            switch w {
            case "wall": return .wall
            case "gpu_hours": return .gpuHours
            case "step": return .step
            case "isnan", "isinf", "no_improvement", "any": throw fail(column, "\(w)(…) is a condition, not a value")
            default: return .metric(w)
            }
        default:
            throw fail(column, "expected a value (number, metric name, wall, gpu_hours or step), found \(describe(current))")
        }
    }
}
