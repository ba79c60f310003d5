import Foundation
import Testing
import RigorBasics
@testable import RigorSupervisor

@Suite("Event line parser")
struct EventLineParserTests {
    func parse(_ text: String, keys: inout MetricKeyTable) -> (fast: Bool, error: String?, event: MetricEvent) {
        var event = MetricEvent()
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in
            let line = UnsafeBufferPointer(b)
            let fast = EventLineParser.parseFast(line, keys: &keys, into: &event)
            var full = MetricEvent()
            let error = EventLineParser.parse(line, keys: &keys, into: &full)
            if fast {
                // The fast path and the full parse agree.
                #expect(full.numbers.count == event.numbers.count)
                for (a, b) in zip(full.numbers, event.numbers) { #expect(a.key == b.key && (a.value == b.value || (a.value.isNaN && b.value.isNaN))) }
            }
            return (fast, error, full)
        }
    }

    @Test func helperLinesTakeTheFastPathAndKeysAreInternedOnce() {
        var keys = MetricKeyTable()
        let a = parse(#"{"t":1795766367.090947,"kind":"log","step":12,"values":{"loss":0.14285714285714285,"acc":0.5,"n":3,"ok":true}}"#, keys: &keys)
        #expect(a.fast && a.error == nil)
        #expect(a.event.step == 12)
        #expect(a.event.numbers.map(\.value) == [0.14285714285714285, 0.5, 3, 1])
        #expect(keys.names == ["loss", "acc", "n", "ok"])
        let b = parse(#"{"t":1.5,"kind":"final","values":{"acc":NaN,"loss":-Infinity,"z":Infinity,"s":"text","u":null}}"#, keys: &keys)
        #expect(b.fast && b.error == nil && b.event.kind == .final)
        #expect(b.event.numbers[0].value.isNaN && b.event.numbers[1].value == -.infinity && b.event.numbers[2].value == .infinity)
        #expect(b.event.others.map(\.value) == [.string("text"), .null])
        #expect(keys.names == ["loss", "acc", "n", "ok", "z", "s", "u"])
        // Flat emitters, other spacing.
        let c = parse(#" { "step" : 2 , "loss" : 1e-3 } "#, keys: &keys)
        #expect(c.fast && c.event.numbers.first?.value == 0.001 && c.event.numbers.first?.key == 0)
    }

    @Test(arguments: [
        "0", "-0", "1", "0.1", "0.3", "123456789012345678", "1234567890123456789012", "0.1234567890123456789", "1e22", "1e23", "1.7976931348623157e308",
        "5e-324", "2.2250738585072014e-308", "9007199254740993", "0.000001", "1E+2", "-12.5e-3", "3.0000000000000004", "1764230400.123456",
    ])
    func numbersMatchStrtod(_ text: String) {
        var keys = MetricKeyTable()
        let r = parse("{\"values\":{\"x\":\(text)}}", keys: &keys)
        #expect(r.fast && r.error == nil)
        #expect(r.event.numbers.first?.value.bitPattern == strtod(text, nil).bitPattern, "\(text)")
    }

    @Test(arguments: ["1.", ".5", "+1", "1e", "--1", "0x10", "1.e3"])
    func nonJSONNumbersAreInvalid(_ text: String) {
        var keys = MetricKeyTable()
        let r = parse("{\"values\":{\"x\":\(text)}}", keys: &keys)
        #expect(!r.fast)
        #expect(r.error != nil, "\(text) accepted")
    }

    @Test func escapedKeysFallBackAndStillIntern() {
        var keys = MetricKeyTable()
        let r = parse(#"{"values":{"a\"b":1,"caf\u00e9":2}}"#, keys: &keys)
        #expect(!r.fast && r.error == nil)
        #expect(keys.names == ["a\"b", "café"])
        let again = parse(#"{"values":{"café":3}}"#, keys: &keys)
        #expect(again.fast && again.event.numbers.first?.key == 1)
    }

    @Test func manyKeysGrowTheTable() {
        var keys = MetricKeyTable()
        for i in 0..<5000 { #expect(keys.id("metric_\(i)") == i) }
        for i in stride(from: 4999, through: 0, by: -7) { #expect(keys.id("metric_\(i)") == i) }
        #expect(keys.count == 5000)
    }
}
