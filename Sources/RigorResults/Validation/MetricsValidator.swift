import Foundation
import RigorBasics
import RigorSpec

/// Checks a metrics.json against the results contract and, when given, its spec.
/// Each family of checks lives in its own file under Checks/; this type only runs them in order.
public struct MetricsValidator: Sendable {
    public var lint: InterpretationLint

    public init(lint: InterpretationLint = InterpretationLint()) { self.lint = lint }

    /// Validates the metrics file at a location, with the files around it (config.json, frozen spec).
    /// Throws only for unusable input: a file that cannot be read as text at all.
    public func validate(_ location: MetricsLocation, spec: ExperimentSpec?, specSource: SpecSource? = nil) throws(ResultsError) -> MetricsReport {
        let text: String
        do { text = try TextFile.read(location.metricsPath, limit: ResultsLimits.maxFileBytes) } catch { throw .file(error) }
        var report = validate(text: text, path: location.metricsPath, spec: spec, specSource: specSource)
        if location.configRequired {
            report.configPath = location.configPath
            report.violations += ResultsDirectoryCheck.check(location, spec: spec)
        } else {
            report.checksSkipped.append("config.json and frozen spec.md: the file is not named metrics.json, so it is not read as a results directory")
        }
        return report
    }

    /// Validates metrics.json text (no neighbouring files). Never throws: unreadable JSON is a violation.
    public func validate(text: String, path: String, spec: ExperimentSpec?, specSource: SpecSource? = nil) -> MetricsReport {
        var report = MetricsReport(metricsPath: path, configPath: nil, specPath: spec?.path,
                                   specSource: spec == nil ? nil : (specSource ?? .option), specSHA256: spec?.sha256,
                                   violations: [], specMetrics: [], checksSkipped: [])
        if spec == nil {
            report.checksSkipped.append("spec metrics, budget and success criteria: no spec given or found")
        }
        let bytes = Array(text.utf8)
        let document: JSONDocument
        do { document = try JSONReader.parse(bytes: bytes) } catch {
            report.violations.append(JSONSyntaxCheck.readFailure(error, bytes: bytes, path: path))
            report.violations += SpecCriteriaCheck.check(spec)
            report.checksSkipped.append("structure, metrics, budget and notes: the file is not readable JSON")
            return report
        }
        let ctx = CheckContext(path: path, document: document, root: document.value.objectValue,
                               positions: JSONPositionIndex(bytes: bytes), bytes: bytes, spec: spec, lint: lint)
        report.violations += JSONSyntaxCheck.check(ctx)
        report.violations += StructureCheck.check(ctx)
        report.violations += AbortFieldsCheck.check(ctx)
        if let spec, let root = ctx.root {
            report.specMetrics = SpecMetricsCheck.matches(spec, root)
            report.violations += SpecMetricsCheck.check(ctx, matches: report.specMetrics)
            report.violations += BudgetCheck.check(ctx)
        }
        report.violations += SpecCriteriaCheck.check(spec)
        report.violations += NotesLanguageCheck.check(ctx)
        return report
    }
}
