import Foundation
import RigorBasics

/// abort_triggered and abort_reason agree: an abort has a reason; no abort has none.
enum AbortFieldsCheck {
    static func check(_ ctx: CheckContext) -> [MetricsViolation] {
        guard let root = ctx.root, let aborted = root["abort_triggered"]?.boolValue, let reason = root["abort_reason"] else {
            return []
        }
        let stated = reason.stringValue.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
        if aborted, !stated {
            return [ctx.violation(.abortReasonMissing, "abort_triggered is true but abort_reason states no reason",
                                  pointer: "/abort_reason", atValue: true)]
        }
        if !aborted, !reason.isNull, reason.stringValue == nil || stated {
            return [ctx.violation(.abortReasonWithoutAbort, "abort_reason is set but abort_triggered is false",
                                  pointer: "/abort_reason", atValue: true)]
        }
        return []
    }
}
