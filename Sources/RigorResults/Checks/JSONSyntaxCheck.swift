import Foundation
import RigorBasics

/// Reading the file as JSON: unreadable JSON, truncation (with the containers left open),
/// Python's bare NaN/Infinity tokens, duplicate keys.
enum JSONSyntaxCheck {
    /// The violation for text `JSONReader` refused.
    static func readFailure(_ error: JSONReadError, bytes: [UInt8], path: String) -> MetricsViolation {
        guard error.kind == .truncated else {
            return MetricsViolation(code: .invalidJSON, message: "not valid JSON: \(error.message)", file: path,
                                    position: error.position)
        }
        let open = TruncationProbe.openContainers(in: bytes)
        guard let innermost = open.last else {
            return MetricsViolation(code: .truncatedJSON, message: "truncated: \(error.message)", file: path,
                                    position: error.position)
        }
        var message = "truncated: the file ends inside \(innermost.kindName) opened at line \(innermost.position.line), "
            + "column \(innermost.position.column)"
        if open.count > 1 {
            message += " (\(open.count) containers left open; the outermost opened at line \(open[0].position.line), "
                + "column \(open[0].position.column))"
        }
        message += "; the file was probably cut off mid-write"
        return MetricsViolation(code: .truncatedJSON, message: message, file: path, pointer: innermost.pointer,
                                position: error.position)
    }

    static func check(_ ctx: CheckContext) -> [MetricsViolation] {
        var out: [MetricsViolation] = []
        for token in ctx.document.nonStandardTokens {
            out.append(MetricsViolation(
                code: .nonStandardJSONToken,
                message: "bare \(token.token) is not standard JSON (Python's json.dump writes it); write the string \"\(token.token)\" instead",
                file: ctx.path, pointer: token.pointer, position: token.position))
        }
        for pointer in ctx.document.duplicateKeys {
            out.append(ctx.violation(.duplicateKey, "key appears more than once in its object; readers keep only one of the values",
                                     pointer: pointer))
        }
        return out
    }
}
