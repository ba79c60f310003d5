import RigorHTTP
import Testing

/// The examples of the WHATWG HTML standard's "Server-sent events" section, fed whole and in
/// pieces of every size (a field, a line end or a UTF-8 character split across reads).
struct ServerSentEventParserTests {
    /// Feeds `text` in pieces of `size` bytes, then ends the stream.
    func events(_ text: String, pieces size: Int) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        let bytes = Array(text.utf8)
        var out: [ServerSentEvent] = []
        var i = 0
        while i < bytes.count {
            out += parser.feed(bytes[i..<min(i + size, bytes.count)])
            i += size
        }
        parser.finish()
        return out
    }

    func allSplits(_ text: String) -> [[ServerSentEvent]] {
        (1...max(1, text.utf8.count)).map { events(text, pieces: $0) }
    }

    @Test func multiLineDataIsJoinedWithLineFeeds() {
        for got in allSplits("data: YHOO\ndata: +2\ndata: 10\n\n") {
            #expect(got == [ServerSentEvent(data: "YHOO\n+2\n10")])
        }
    }

    @Test func commentsAndIdsAsTheStandardShowsThem() {
        let stream = ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n"
        for got in allSplits(stream) {
            #expect(got == [ServerSentEvent(data: "first event", lastEventID: "1"),
                            ServerSentEvent(data: "second event", lastEventID: ""),
                            ServerSentEvent(data: " third event", lastEventID: "")])
        }
    }

    @Test func emptyDataFieldsAndAnEventWithoutItsBlankLine() {
        for got in allSplits("data\n\ndata\ndata\n\ndata:") {
            #expect(got == [ServerSentEvent(data: ""), ServerSentEvent(data: "\n")])
        }
    }

    @Test func aSpaceAfterTheColonIsOptional() {
        for got in allSplits("data:test\n\ndata: test\n\n") {
            #expect(got == [ServerSentEvent(data: "test"), ServerSentEvent(data: "test")])
        }
    }

    @Test func crlfCrAndLfLineEndsAndNamedEvents() {
        let stream = "event: message_start\r\ndata: {\"a\":1}\r\n\r\nevent: ping\rdata: x\r\rdata: é✓\n\n"
        for got in allSplits(stream) {
            #expect(got == [ServerSentEvent(type: "message_start", data: "{\"a\":1}"),
                            ServerSentEvent(type: "ping", data: "x"),
                            ServerSentEvent(data: "é✓")])
        }
    }

    @Test func retryTakesDigitsOnlyUnknownFieldsAndNulIdsAreIgnoredAndABOMIsSkipped() {
        var p = ServerSentEventParser()
        let got = p.feed(Array("\u{FEFF}retry: 1500\nretry: 2x\nfoo: bar\nid: a\u{0}b\ndata: y\n\n".utf8))
        #expect(got == [ServerSentEvent(data: "y")])
        #expect(p.retryMilliseconds == 1500)
    }

    @Test func anOverlongLineIsCutNotKept() {
        var p = ServerSentEventParser(maxLineBytes: 16)
        let got = p.feed(Array(("data: " + String(repeating: "x", count: 100) + "\n\n").utf8))
        #expect(got == [ServerSentEvent(data: String(repeating: "x", count: 10))])
    }
}
