import Foundation
import Yams

extension SpecReader {
    /// The fenced YAML compute profile (anywhere in Compute Profile / Resource Budget), else the
    /// `key: value` lines of a Compute Target section. Missing both is an error.
    mutating func readComputeProfile(blocks: [Block], byKind: [SectionKind: Block],
                                     subsections: [SectionKind: Block]) -> ComputeProfile? {
        let candidates = [subsections[.computeProfile], byKind[.computeProfile], byKind[.resourceBudget]].compactMap { $0 }
        for block in candidates {
            if let yaml = yamlBlock(in: block) { return readYAMLProfile(yaml.text, fenceLine: yaml.line) }
        }
        if let block = byKind[.computeProfile] ?? subsections[.computeProfile] {
            let fields = keyValueLines(block)
            if !fields.isEmpty { return ComputeProfile(source: .computeTarget, fields: fields, line: block.heading.line) }
            error("compute-profile-empty", block.heading.line,
                  "'\(block.heading.title)' has neither a ```yaml block nor 'key: value' lines (e.g. 'compute_type: cpu')")
            return nil
        }
        error("missing-compute-profile", byKind[.resourceBudget]?.heading.line ?? 1,
              "no compute profile: add '### Compute Profile' with a ```yaml block (compute_type, estimated_wall_hours, …) or a '## Compute Target' section")
        return nil
    }

    /// The first fenced block tagged yaml/yml (or untagged and YAML-looking) in a block.
    func yamlBlock(in block: Block) -> (text: String, line: Int)? {
        var collecting = false
        var start = 0
        var body: [String] = []
        for line in contentLines(block) {
            if line.isFenceMarker {
                if collecting { return (body.joined(separator: "\n"), start) }
                let tag = line.raw.trimmedBlanks.dropFirst(3).trimmedBlanks.lowercased()
                if tag == "yaml" || tag == "yml" { collecting = true; start = line.number; body = [] }
                continue
            }
            if collecting { body.append(line.raw) }
        }
        if collecting {
            return (body.joined(separator: "\n"), start)
        }
        return nil
    }

    mutating func readYAMLProfile(_ text: String, fenceLine: Int) -> ComputeProfile? {
        if let tabLine = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(where: { $0.contains("\t") }) {
            error("compute-profile-yaml", fenceLine + tabLine + 1, "tab character in the compute profile YAML; YAML indents with spaces")
            return nil
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let e as YamlError {
            error("compute-profile-yaml", fenceLine + SpecReader.yamlErrorLine(e), "compute profile YAML does not parse: \(SpecReader.yamlMessage(e))")
            return nil
        } catch let other {
            self.error("compute-profile-yaml", fenceLine, "compute profile YAML does not parse: \(other)")
            return nil
        }
        guard let mapping = node?.mapping else {
            error("compute-profile-yaml", fenceLine + 1, "compute profile YAML must be a mapping of 'key: value' lines")
            return nil
        }
        var fields: [ComputeField] = []
        for (k, v) in mapping {
            guard let key = k.string else { continue }
            let value: String
            switch v {
            case .scalar(let s): value = s.string
            default:
                error("compute-profile-yaml", fenceLine + (v.mark?.line ?? 1), "compute profile '\(key)' must be a single value")
                continue
            }
            fields.append(ComputeField(key: key, value: value))
        }
        if let t = fields.first(where: { $0.key == "compute_type" })?.value, !["cpu", "gpu"].contains(t.lowercased()) {
            warning("compute-profile-value", fenceLine, "compute_type '\(t)' is not cpu or gpu; kept as written")
        }
        for numeric in ["estimated_rows", "sequential_fits", "memory_gb", "estimated_wall_hours"] {
            if let v = fields.first(where: { $0.key == numeric })?.value, Double(v) == nil {
                warning("compute-profile-value", fenceLine, "compute profile '\(numeric)' is '\(v)', not a number; kept as written")
            }
        }
        return ComputeProfile(source: .yamlBlock, fields: fields, line: fenceLine)
    }

    /// `**Compute:** \`runpod\`` and `compute: local` lines as fields with normalised keys.
    func keyValueLines(_ block: Block) -> [ComputeField] {
        var fields: [ComputeField] = []
        for line in contentLines(block) where !line.inFence && !line.isFenceMarker {
            var t = line.content.trimmedBlanks
            if let item = MarkdownText.listItem(t) { t = item.text }
            let plain = MarkdownText.plain(t)
            guard let colon = plain.range(of: ":") else { continue }
            let key = MetricKey.normalize(String(plain[..<colon.lowerBound]))
            let value = plain[colon.upperBound...].trimmedBlanks
            guard !key.isEmpty, key.split(separator: "_").count <= 3, !value.isEmpty, value.count <= 120 else { continue }
            fields.append(ComputeField(key: key, value: value))
        }
        return fields
    }

    static func yamlErrorLine(_ e: YamlError) -> Int {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return 1
        }
    }

    static func yamlMessage(_ e: YamlError) -> String {
        switch e {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(e)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
        }
    }
}
