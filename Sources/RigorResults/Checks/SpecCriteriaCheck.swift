import Foundation
import RigorBasics
import RigorSpec

/// Success criteria are pre-committed and unticked: a checkbox already ticked in the spec means
/// the criteria were edited after the fact.
enum SpecCriteriaCheck {
    static func check(_ spec: ExperimentSpec?) -> [MetricsViolation] {
        guard let spec else { return [] }
        return spec.successCriteria.filter { $0.isCheckbox && $0.checked }.map { criterion in
            let label = criterion.id.map { "\($0): " } ?? ""
            return MetricsViolation(code: .criterionPreTicked, message:
                              "success criterion \(quoted(label + criterion.text)) is already ticked in the spec; pre-committed criteria are judged by READ, never ticked beforehand",
                                    file: spec.path, position: TextPosition(line: criterion.line, column: 1), specLine: criterion.line)
        }
    }
}
