import Foundation

/// The default number of slots: GPUs reported by `nvidia-smi -L`, else CPU cores.
public enum SlotCount {
    public struct Detected: Sendable, Equatable {
        public var slots: Int
        public var gpus: Bool
    }

    public static func detect() -> Detected {
        if let gpus = nvidiaGPUCount(), gpus > 0 { return Detected(slots: gpus, gpus: true) }
        return Detected(slots: max(1, ProcessInfo.processInfo.activeProcessorCount), gpus: false)
    }

    /// GPUs listed by `nvidia-smi -L`; nil when the tool is absent or fails.
    static func nvidiaGPUCount() -> Int? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/nvidia-smi" }
        guard let tool = paths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-L"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("GPU ") }.count
    }
}
