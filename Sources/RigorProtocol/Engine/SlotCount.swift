import Foundation
import RigorBasics

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

    /// GPUs listed by `nvidia-smi -L`; nil when the tool is absent or fails. Only a system
    /// nvidia-smi runs (never one found through PATH), with a scrubbed environment.
    static func nvidiaGPUCount() -> Int? {
        guard let tool = TrustedExecutable.resolve("nvidia-smi"),
              let out = CapturedCommand.run([tool, "-L"], environment: TrustedExecutable.scrubbedEnvironment(), timeout: 10),
              out.status == 0 else { return nil }
        return String(decoding: out.stdout, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("GPU ") }.count
    }
}
