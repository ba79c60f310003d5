import Yams

/// Reads typed values out of a YAML node tree, recording line-numbered diagnostics instead of failing.
final class PlanNodeReader {
    let path: String
    private(set) var diagnostics: [PlanDiagnostic] = []

    init(path: String) { self.path = path }

    func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

    func error(_ node: Node, _ message: String) { error(line: line(node), message) }
    func error(line: Int, _ message: String) { diagnostics.append(PlanDiagnostic(path: path, line: line, message: message)) }

    /// A mapping's entries (string keys) after checking them against the allowed and required keys.
    func mapping(_ node: Node, _ what: String, allowed: [String], required: [String] = []) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping, found \(kind(node))")
            return nil
        }
        var out: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = scalarText(keyNode) else { error(keyNode, "\(what): keys must be plain text"); continue }
            if out[key] != nil { error(keyNode, "\(what): duplicate key '\(key)'"); continue }
            if !allowed.contains(key) {
                error(keyNode, "\(what): unknown key '\(key)' (allowed: \(allowed.joined(separator: ", ")))")
                continue
            }
            out[key] = value
        }
        for key in required where out[key] == nil { error(node, "\(what): missing required key '\(key)'") }
        return out
    }

    /// A mapping with free-form keys (names chosen by the plan author), in document order.
    func namedEntries(_ node: Node, _ what: String) -> [(name: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping, found \(kind(node))")
            return nil
        }
        var out: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = scalarText(keyNode) else { error(keyNode, "\(what): keys must be plain text"); continue }
            if out.contains(where: { $0.0 == key }) { error(keyNode, "\(what): duplicate key '\(key)'"); continue }
            out.append((key, keyNode, value))
        }
        return out
    }

    func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let seq) = node else {
            error(node, "\(what) must be a list, found \(kind(node))")
            return nil
        }
        return Array(seq)
    }

    func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node, node.tagName == .str else {
            error(node, "\(what) must be text, found \(kind(node))")
            return nil
        }
        return s.string
    }

    func int(_ node: Node, _ what: String) -> Int? {
        guard case .scalar = node, node.tagName == .int, let value = node.int else {
            error(node, "\(what) must be an integer, found \(kind(node)) '\(node.string ?? "")'")
            return nil
        }
        return value
    }

    func number(_ node: Node, _ what: String) -> Double? {
        guard case .scalar = node, node.tagName == .int || node.tagName == .float, let value = node.float else {
            error(node, "\(what) must be a number, found \(kind(node)) '\(node.string ?? "")'")
            return nil
        }
        return value
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        guard case .scalar = node, node.tagName == .bool, let value = node.bool else {
            error(node, "\(what) must be true or false, found \(kind(node)) '\(node.string ?? "")'")
            return nil
        }
        return value
    }

    func intList(_ node: Node, _ what: String) -> [Int]? {
        guard let items = sequence(node, what) else { return nil }
        var out: [Int] = []
        for (i, item) in items.enumerated() {
            guard let v = int(item, "\(what)[\(i)]") else { return nil }
            out.append(v)
        }
        return out
    }

    func stringList(_ node: Node, _ what: String) -> [String]? {
        guard let items = sequence(node, what) else { return nil }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard let v = string(item, "\(what)[\(i)]") else { return nil }
            out.append(v)
        }
        return out
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar(let s) = node, s.style == .plain, node.tagName == .null { return true }
        return false
    }

    /// The text of a scalar key, whatever it resolves to (keys like `0` or `true` stay text).
    func scalarText(_ node: Node) -> String? {
        if case .scalar(let s) = node { return s.string }
        return nil
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch node.tagName {
            case .int: return "an integer"
            case .float: return "a number"
            case .bool: return "a boolean"
            case .null: return "null"
            default: return "text"
            }
        }
    }
}

extension Node {
    /// The resolved tag's name (`tag:yaml.org,2002:int` …).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
