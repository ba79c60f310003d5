import Foundation
import RigorBasics

/// For a JSON text that ends too early: the containers still open at the end of the file,
/// outermost first, each with where it was opened and its JSON pointer.
struct TruncationProbe {
    struct OpenContainer: Sendable, Equatable {
        var isObject: Bool
        var position: TextPosition
        var pointer: String
        var kindName: String { isObject ? "an object" : "an array" }
    }

    static func openContainers(in bytes: [UInt8]) -> [OpenContainer] {
        struct Frame { var container: OpenContainer; var nextIndex = 0; var lastKey: String? }
        var stack: [Frame] = []
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var lineStart = 0
        var expectingKey = false
        func childPointer(_ frame: Frame) -> String {
            frame.container.pointer + "/" + (frame.container.isObject
                ? JSONReader.escapePointer(frame.lastKey ?? "") : String(frame.nextIndex))
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x0A:
                i += 1; line += 1; lineStart = i
            case UInt8(ascii: "\""):
                guard let (token, end) = JSONStringToken.decode(bytes, at: i) else { return stack.map(\.container) }
                if expectingKey, !stack.isEmpty { stack[stack.count - 1].lastKey = token.text }
                expectingKey = false
                i = end
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let pointer = stack.last.map(childPointer) ?? ""
                let at = TextPosition(line: line, column: i - lineStart + 1)
                stack.append(Frame(container: OpenContainer(isObject: b == UInt8(ascii: "{"), position: at, pointer: pointer)))
                expectingKey = b == UInt8(ascii: "{")
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                expectingKey = false
                i += 1
            case UInt8(ascii: ","):
                if let top = stack.last {
                    if top.container.isObject { expectingKey = true } else { stack[stack.count - 1].nextIndex += 1 }
                }
                i += 1
            default:
                i += 1
            }
        }
        return stack.map(\.container)
    }
}
