import Foundation
import Testing
import RigorBasics
import RigorResults

/// The published JSON Schema and the Swift validator give the same verdict on every fixture.
/// Python's `jsonschema` runs as a real child process (CI: `pip install jsonschema`).
@Suite struct SchemaAgreementTests {
    static let pythonChecker = #"""
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
def reject(token):
    raise ValueError("non-standard JSON token " + token)
for path in sys.argv[2:]:
    try:
        with open(path, encoding="utf-8") as f:
            value = json.loads(f.read(), parse_constant=reject)
    except ValueError as e:
        print(json.dumps({"file": path, "valid": False, "reason": "unreadable: " + str(e)}))
        continue
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
    print(json.dumps({"file": path, "valid": not errors, "reason": "; ".join(e.message for e in errors[:3])}))
"""#

    /// Verdict per fixture path from the Python process.
    static func pythonVerdicts(_ paths: [String]) throws -> [String: (Bool, String)] {
        let schema = try #require(MetricsSchema.path, "the metrics.schema.json resource is not bundled")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", pythonChecker, schema] + paths
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 jsonschema checker failed: \(String(decoding: errData, as: UTF8.self))")
        var verdicts: [String: (Bool, String)] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let o = try JSONReader.parse(String(line)).value
            if let file = o["file"]?.stringValue, let valid = o["valid"]?.boolValue {
                verdicts[file] = (valid, o["reason"]?.stringValue ?? "")
            }
        }
        return verdicts
    }

    @Test func fixturesExist() {
        let names = Fixtures.schemaFixtures
        #expect(names.filter { $0.hasPrefix("valid-") }.count >= 4)
        #expect(names.filter { $0.hasPrefix("invalid-") }.count >= 15)
    }

    @Test func swiftAndJSONSchemaAgreeOnEveryFixture() throws {
        let names = Fixtures.schemaFixtures
        let paths = names.map { Fixtures.path("schema/" + $0) }
        let python = try Self.pythonVerdicts(paths)
        #expect(python.count == names.count)
        let validator = MetricsValidator()
        for (name, path) in zip(names, paths) {
            let expected = name.hasPrefix("valid-")
            let report = validator.validate(text: Fixtures.text("schema/" + name), path: path, spec: nil)
            let schemaLevel = report.violations.filter { $0.code.isSchemaLevel && $0.severity == .error }
            let swiftValid = schemaLevel.isEmpty
            let (pythonValid, reason) = python[path] ?? (!expected, "no verdict from python")
            #expect(swiftValid == expected, "\(name): Swift says \(swiftValid ? "valid" : "invalid") \(schemaLevel.map(\.textLine))")
            #expect(pythonValid == expected, "\(name): jsonschema says \(pythonValid ? "valid" : "invalid"): \(reason)")
            #expect(swiftValid == pythonValid, "\(name): verdicts differ")
        }
    }

    @Test func schemaListsExactlyTheModelsTopLevelKeys() throws {
        let text = try #require(MetricsSchema.text)
        let schema = try JSONReader.parse(text).value
        let required = schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let properties = schema["properties"]?.objectValue?.keys ?? []
        #expect(required == MetricsFile.topLevelKeys)
        #expect(properties == MetricsFile.topLevelKeys)
        #expect(schema["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
        let usage = schema["properties"]?["resource_usage"]?["required"]?.arrayValue?.compactMap(\.stringValue)
        #expect(usage == ResourceUsage.keys)
    }
}
