import Foundation

/// A command's output as the model sees it: the first and the last `half` bytes kept, the
/// middle counted and dropped, so memory stays bounded whatever the command prints.
struct CappedOutput: Sendable {
    let half: Int
    private(set) var head: [UInt8] = []
    private var tail: [UInt8] = []
    private(set) var total = 0

    init(limit: Int = 32 << 10) { half = limit / 2 }

    mutating func append(_ bytes: [UInt8]) {
        total += bytes.count
        var rest = bytes[...]
        if head.count < half {
            let take = min(half - head.count, rest.count)
            head += rest.prefix(take)
            rest = rest.dropFirst(take)
        }
        guard !rest.isEmpty else { return }
        tail += rest
        if tail.count > 2 * half { tail.removeFirst(tail.count - half) }
    }

    var text: String {
        let kept = tail.count > half ? Array(tail.suffix(half)) : tail
        let dropped = total - head.count - kept.count
        if dropped <= 0 { return String(decoding: head + kept, as: UTF8.self) }
        return String(decoding: head, as: UTF8.self) + "\n[… \(dropped) bytes of output not kept …]\n" + String(decoding: kept, as: UTF8.self)
    }
}
