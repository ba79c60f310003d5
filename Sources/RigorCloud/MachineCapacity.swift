import Foundation
import RigorBasics

/// What this machine has, measured: cores, memory, GPUs.
public struct MachineCapacity: Sendable, Equatable {
    public struct GPU: Sendable, Equatable {
        public var model: String
        /// Total memory in MiB, when nvidia-smi reports it.
        public var memoryMiB: Double?
        public init(model: String, memoryMiB: Double?) { self.model = model; self.memoryMiB = memoryMiB }
    }

    public var cores: Int
    public var memoryTotalGB: Double
    /// Memory available to new work (`MemAvailable`).
    public var memoryAvailableGB: Double
    public var gpus: [GPU]

    public init(cores: Int, memoryTotalGB: Double, memoryAvailableGB: Double, gpus: [GPU]) {
        self.cores = cores; self.memoryTotalGB = memoryTotalGB; self.memoryAvailableGB = memoryAvailableGB; self.gpus = gpus
    }

    /// Measures this machine: online cores, /proc/meminfo, and the GPUs a system nvidia-smi lists.
    public static func measure() -> MachineCapacity {
        let meminfo = (try? TextFile.read("/proc/meminfo", limit: 1 << 20)) ?? ""
        return MachineCapacity(cores: max(1, ProcessInfo.processInfo.activeProcessorCount),
                               memoryTotalGB: kilobytes("MemTotal", in: meminfo) / 1_048_576,
                               memoryAvailableGB: kilobytes("MemAvailable", in: meminfo) / 1_048_576,
                               gpus: nvidiaGPUs())
    }

    static func kilobytes(_ key: String, in meminfo: String) -> Double {
        for line in meminfo.split(separator: "\n") where line.hasPrefix(key + ":") {
            let number = line.dropFirst(key.count + 1).split(separator: " ").first.flatMap { Double($0) }
            return number ?? 0
        }
        return 0
    }

    /// GPUs from `nvidia-smi --query-gpu=name,memory.total`; none when the tool is absent or
    /// fails. Only a system nvidia-smi runs (never one found through PATH).
    static func nvidiaGPUs() -> [GPU] {
        guard let tool = TrustedExecutable.resolve("nvidia-smi"),
              let out = CapturedCommand.run([tool, "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"],
                                            environment: TrustedExecutable.scrubbedEnvironment(), timeout: 10),
              out.status == 0 else { return [] }
        return parseGPUs(String(decoding: out.stdout, as: UTF8.self))
    }

    /// `NVIDIA H200, 143771` lines.
    static func parseGPUs(_ text: String) -> [GPU] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let model = parts.first, !model.isEmpty else { return nil }
            return GPU(model: model, memoryMiB: parts.count > 1 ? Double(parts[1]) : nil)
        }
    }

    /// `2 cores, 15.6 GB memory (12.1 GB available), no GPU` / `…, 1 GPU: NVIDIA H200 (140.4 GiB)`.
    public var summary: String {
        let gb = { (v: Double) in String(format: "%.1f", v) }
        var text = "\(cores) core(s), \(gb(memoryTotalGB)) GB memory (\(gb(memoryAvailableGB)) GB available), "
        if gpus.isEmpty { return text + "no GPU" }
        text += "\(gpus.count) GPU(s): " + gpus.map { g in g.model + (g.memoryMiB.map { " (\(gb($0 / 1024)) GiB)" } ?? "") }.joined(separator: ", ")
        return text
    }
}
