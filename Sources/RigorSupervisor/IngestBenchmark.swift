import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures the supervisor's event path alone: split, parse, abort rules, events.jsonl write.
public enum IngestBenchmark {
    public static func run(lines: Int, rules: [String]) throws(SupervisorError) -> (lines: Int, bytes: Int, seconds: Double) {
        var parsed: [AbortRule] = []
        for r in rules { do { parsed.append(try AbortRule.parse(r)) } catch { throw .badAbortRule(error) } }
        var text = ""
        for i in 0..<10_000 {
            text += "{\"t\":1764230400.\(100000 + i),\"kind\":\"log\",\"step\":\(i),\"values\":{\"loss\":\(1.0 / Double(i + 1)),\"acc\":0.\(i % 1000),\"lr\":0.001}}\n"
        }
        let block = Array(text.utf8)
        let devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(devnull) }
        var ingestor = EventIngestor(outFD: devnull, rules: parsed)
        var done = 0, bytes = 0
        let start = monotonicSeconds()
        let chunk = 1 << 18
        while done < lines {
            block.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let end = min(raw.count, off + chunk)
                    ingestor.consume(UnsafeRawBufferPointer(rebasing: raw[off..<end]), receivedAt: unixSeconds(), meters: (1, 0))
                    off = end
                }
            }
            done += 10_000
            bytes += block.count
        }
        ingestor.flush()
        let seconds = monotonicSeconds() - start
        guard ingestor.eventCount == done else { throw .io("benchmark: ingested \(ingestor.eventCount) of \(done) events") }
        return (done, bytes, seconds)
    }
}
