/// An abort rule that does not parse: the rule, the 1-based column, and what was expected.
public struct AbortRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var rule: String
    /// 1-based column (in characters) where the problem is.
    public var column: Int
    public var message: String

    /// One line naming rule and column, then the rule with a caret under the column.
    public var description: String {
        "abort rule \"\(rule)\": column \(column): \(message) (see docs/abort-rules.md)\n    \(rule)\n    "
            + String(repeating: " ", count: max(0, column - 1)) + "^"
    }
}
