import Foundation
import RigorBasics

/// The contract's shape: top-level keys present and no others, each with its JSON type,
/// `per_seed` entries with an integer seed, `resource_usage` with four non-negative numbers,
/// a `YYYY-MM-DDTHH:MM:SS` timestamp. metrics.schema.json states the same rules.
enum StructureCheck {
    static let objectKeys: Set<String> = ["baseline", "treatment", "sanity_checks"]

    static func check(_ ctx: CheckContext) -> [MetricsViolation] {
        guard let root = ctx.root else {
            return [ctx.violation(.wrongType, "metrics.json must hold a JSON object at the top level, found \(ctx.document.value.typeName)",
                                  pointer: "", atValue: true)]
        }
        var out: [MetricsViolation] = []
        for key in MetricsFile.topLevelKeys where root[key] == nil {
            out.append(ctx.missing(.missingTopLevelKey, "required top-level key \(quoted(key)) is missing", parent: ""))
        }
        for key in root.keys where !MetricsFile.topLevelKeys.contains(key) {
            out.append(ctx.violation(.extraTopLevelKey,
                                     "top-level key \(quoted(key)) is not part of the metrics.json structure; metrics go in baseline/treatment/per_seed/sanity_checks, observations in notes",
                                     pointer: "/" + JSONReader.escapePointer(key)))
        }
        for entry in root {
            let pointer = "/" + JSONReader.escapePointer(entry.key)
            switch entry.key {
            case "experiment":
                if entry.value.stringValue == nil { out.append(wrongType(ctx, pointer, entry.value, "a string")) }
            case "timestamp":
                if let s = entry.value.stringValue {
                    if !isTimestamp(s) {
                        out.append(ctx.violation(.invalidTimestamp,
                                                 "timestamp \(quoted(s)) is not YYYY-MM-DDTHH:MM:SS (optional fraction and zone)",
                                                 pointer: pointer, atValue: true))
                    }
                } else { out.append(wrongType(ctx, pointer, entry.value, "a string")) }
            case _ where objectKeys.contains(entry.key):
                if entry.value.objectValue == nil { out.append(wrongType(ctx, pointer, entry.value, "an object")) }
            case "per_seed":
                out += perSeed(ctx, entry.value)
            case "resource_usage":
                out += resourceUsage(ctx, entry.value)
            case "abort_triggered":
                if entry.value.boolValue == nil { out.append(wrongType(ctx, pointer, entry.value, "true or false")) }
            case "abort_reason", "notes":
                if !entry.value.isNull && entry.value.stringValue == nil {
                    out.append(wrongType(ctx, pointer, entry.value, "a string or null"))
                }
            default: break
            }
        }
        return out
    }

    static func wrongType(_ ctx: CheckContext, _ pointer: String, _ value: JSONValue, _ expected: String) -> MetricsViolation {
        ctx.violation(.wrongType, "expected \(expected), found \(value.typeName)", pointer: pointer, atValue: true)
    }

    static func perSeed(_ ctx: CheckContext, _ value: JSONValue) -> [MetricsViolation] {
        guard let items = value.arrayValue else {
            return [wrongType(ctx, "/per_seed", value, "an array of objects, each with a \"seed\"")]
        }
        var out: [MetricsViolation] = []
        for (i, item) in items.enumerated() {
            let pointer = "/per_seed/\(i)"
            guard let o = item.objectValue else { out.append(wrongType(ctx, pointer, item, "an object")); continue }
            guard let seed = o["seed"] else {
                out.append(ctx.missing(.missingKey, "per_seed entry \(i) has no \"seed\"", parent: pointer)); continue
            }
            if case .number(let n) = seed, n.isFinite, n == n.rounded() { continue }
            out.append(wrongType(ctx, pointer + "/seed", seed, "an integer seed"))
        }
        return out
    }

    static func resourceUsage(_ ctx: CheckContext, _ value: JSONValue) -> [MetricsViolation] {
        guard let o = value.objectValue else { return [wrongType(ctx, "/resource_usage", value, "an object")] }
        var out: [MetricsViolation] = []
        for key in ResourceUsage.keys where o[key] == nil {
            out.append(ctx.missing(.missingKey, "resource_usage has no \(quoted(key))", parent: "/resource_usage"))
        }
        for entry in o {
            let pointer = "/resource_usage/" + JSONReader.escapePointer(entry.key)
            guard ResourceUsage.keys.contains(entry.key) else {
                out.append(ctx.violation(.extraKey,
                                         "resource_usage holds only gpu_hours, wall_clock_seconds, total_training_steps, total_runs; \(quoted(entry.key)) is not one of them",
                                         pointer: pointer))
                continue
            }
            guard case .number(let n) = entry.value else { out.append(wrongType(ctx, pointer, entry.value, "a number")); continue }
            if n < 0 { out.append(ctx.violation(.negativeValue, "\(entry.key) is \(JSONValue.format(number: n)); it cannot be negative", pointer: pointer, atValue: true)) }
        }
        return out
    }

    static let timestampPattern = #"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$"#

    static func isTimestamp(_ s: String) -> Bool {
        s.range(of: timestampPattern, options: .regularExpression) != nil
    }
}
