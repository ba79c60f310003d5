import Foundation
import RigorBasics

/// Small helpers that turn JSON values into model fields with pointer-precise errors.
struct ModelDecoder {
    let path: String

    static func readJSON(_ path: String) throws(ResultsError) -> JSONValue {
        let text: String
        do { text = try TextFile.read(path, limit: ResultsLimits.maxFileBytes) } catch { throw .file(error) }
        do { return try JSONReader.parse(text).value } catch {
            throw .decoding(path: path, pointer: "", reason: "not valid JSON: \(error.description)")
        }
    }

    func fail(_ pointer: String, _ reason: String) -> ResultsError {
        .decoding(path: path, pointer: pointer, reason: reason)
    }

    func object(_ v: JSONValue, _ pointer: String) throws(ResultsError) -> JSONObject {
        guard let o = v.objectValue else { throw fail(pointer, "expected an object, found \(v.typeName)") }
        return o
    }

    func array(_ v: JSONValue, _ pointer: String) throws(ResultsError) -> [JSONValue] {
        guard let a = v.arrayValue else { throw fail(pointer, "expected an array, found \(v.typeName)") }
        return a
    }

    func required(_ o: JSONObject, _ key: String, _ parent: String) throws(ResultsError) -> JSONValue {
        guard let v = o[key] else { throw fail(parent, "missing key \"\(key)\"") }
        return v
    }

    func string(_ o: JSONObject, _ key: String, _ parent: String) throws(ResultsError) -> String {
        let v = try required(o, key, parent)
        guard let s = v.stringValue else { throw fail(parent + "/" + key, "expected a string, found \(v.typeName)") }
        return s
    }

    func optionalString(_ o: JSONObject, _ key: String, _ parent: String) throws(ResultsError) -> String? {
        let v = try required(o, key, parent)
        if v.isNull { return nil }
        guard let s = v.stringValue else { throw fail(parent + "/" + key, "expected a string or null, found \(v.typeName)") }
        return s
    }
}
