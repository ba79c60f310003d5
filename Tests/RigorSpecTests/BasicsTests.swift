import Foundation
import RigorBasics
import RigorTestSupport
import Testing

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(input: String, digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
    }

    @Test func millionAs() {
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func fileDigestMatchesBytes() throws {
        let dir = TempDirectory()
        let text = String(repeating: "rigor ", count: 300_000)
        let path = dir.write("f.txt", text)
        #expect(try SHA256.hex(fileAt: path) == SHA256.hex(Array(text.utf8)))
    }
}

@Suite struct JSONReaderTests {
    @Test func readsPythonNonStandardTokensWithPositions() throws {
        let doc = try JSONReader.parse("{\n  \"a\": NaN,\n  \"b\": [Infinity, -Infinity]\n}")
        #expect(doc.nonStandardTokens.map(\.token) == ["NaN", "Infinity", "-Infinity"])
        #expect(doc.nonStandardTokens.map(\.pointer) == ["/a", "/b/0", "/b/1"])
        #expect(doc.nonStandardTokens[0].position == TextPosition(line: 2, column: 8))
        #expect(doc.value["a"]?.doubleValue?.isNaN == true)
    }

    @Test func truncatedInputSaysSo() {
        for cut in ["{\"a\": [1, 2", "{\"a\": {\"b\": \"cut"] {
            do {
                _ = try JSONReader.parse(cut)
                Issue.record("\(cut) parsed; a truncated document must be refused")
            } catch {
                #expect(error.kind == .truncated, "\(cut): \(error.message)")
                #expect(error.message.contains("truncated"))
            }
        }
    }

    @Test func nonFiniteRoundTripsAsStrings() throws {
        let value: JSONValue = ["x": .number(.nan), "y": .number(.infinity), "z": .number(-.infinity), "n": 1.5]
        let text = value.serialized()
        #expect(text.contains("\"NaN\"") && text.contains("\"-Infinity\""))
        let back = try JSONReader.parse(text).value
        #expect(back["x"]?.doubleValue?.isNaN == true)
        #expect(back["y"]?.doubleValue == .infinity)
        #expect(back["z"]?.doubleValue == -.infinity)
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONReadError.self) { try JSONReader.parse(deep) }
    }

    @Test func leadingZerosAreNotJSON() {
        #expect(throws: JSONReadError.self) { try JSONReader.parse("{\"a\": 01}") }
        #expect((try? JSONReader.parse("[0, 0.5, -0, 10]")) != nil)
    }

    @Test func keyOrderIsKept() throws {
        let doc = try JSONReader.parse("{\"z\":1,\"a\":2,\"m\":3}")
        #expect(doc.value.objectValue?.keys == ["z", "a", "m"])
        #expect(doc.value.serialized(pretty: false) == "{\"z\":1,\"a\":2,\"m\":3}")
    }
}

@Suite struct AtomicFileTests {
    @Test func replacesContentAndLeavesNoTempFiles() throws {
        let dir = TempDirectory()
        let path = dir.path + "/out.json"
        try AtomicFile.write("one", to: path)
        try AtomicFile.write("two", to: path)
        #expect(dir.read("out.json") == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.json"])
    }

    @Test func missingDirectoryIsAClearError() {
        #expect(throws: RigorFileError.self) { try AtomicFile.write("x", to: "/nonexistent-dir-rigor/x.json") }
    }
}

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("30m", 1800.0), ("1h30m", 5400.0), ("7 hours (critical path)", 25200.0), ("5 minutes", 300.0),
        ("< 2 hours wall clock", 7200.0), ("90s", 90.0), ("1.5 h", 5400.0), ("2 days", 172800.0),
    ])
    func parses(text: String, seconds: Double) {
        #expect(DurationText.seconds(in: text) == seconds)
    }

    @Test func noUnitIsNil() { #expect(DurationText.seconds(in: "90") == nil) }
}

@Test func hmacMatchesRFC4231() {
    // RFC 4231 test case 2.
    let mac = HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
    #expect(HMACSHA256.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    // Test case 1: 20 bytes of 0x0b, "Hi There".
    let mac1 = HMACSHA256.mac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
    #expect(HMACSHA256.hex(mac1) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    #expect(HMACSHA256.equal(mac, mac) && !HMACSHA256.equal(mac, mac1))
}

