import Foundation
import RigorBasics
import RigorSpec

/// The compute advisory the RUN-phase agent sees for a spec, with its reasons: research-kit's
/// preflight rules, with this machine's measured capacity in place of fixed numbers.
public struct ComputeAdvice: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// The spec makes a cloud target mandatory.
        case mandatory
        /// The work does not fit this machine: offload it (`## Compute Advisory`).
        case mustOffload = "must_offload"
        /// It fits, but the preference is cloud and the work is worth the overhead
        /// (`## Compute Advisory (Cloud Preferred)`); local is a valid fallback.
        case cloudPreferred = "cloud_preferred"
        /// It fits and cloud is configured as a fallback (`## Cloud Availability Note`).
        case availabilityNote = "availability_note"
        /// It fits and the preference is local: no section.
        case none
    }

    public var kind: Kind
    /// Why, one fact per line (which rule fired, with the numbers).
    public var reasons: [String]
    public var preference: CloudPreference

    /// The section as the agent sees it (nil for `.none`).
    public var section: String? {
        let because = reasons.map { "- " + $0 }.joined(separator: "\n")
        switch kind {
        case .none: return nil
        case .mandatory:
            return "## Compute Advisory\n\nThe spec makes a cloud target mandatory. Run the full protocol on the cloud target; "
                + "local runs are for implementing and testing only (sanity checks, a small baseline reproduction).\n\n" + because
        case .mustOffload:
            return "## Compute Advisory\n\nThis experiment does not fit this machine. Implement and test locally (sanity checks, "
                + "a small baseline reproduction, the MVE if it takes minutes), then run the full protocol on cloud compute.\n\n" + because
        case .cloudPreferred:
            return "## Compute Advisory (Cloud Preferred)\n\nThe experiment fits this machine, but the configured preference is "
                + "\(preference.rawValue) and the work is long enough to be worth it: run the full protocol on cloud compute. "
                + "Running it locally is a valid fallback when cloud compute is unavailable.\n\n" + because
        case .availabilityNote:
            return "## Cloud Availability Note\n\nRun locally. Cloud compute is configured as a fallback: use it if a run is much "
                + "slower than estimated (more than 3x), runs out of memory or disk, or local resources are needed elsewhere.\n\n" + because
        }
    }
}

public enum ComputeAdvisory {
    /// Thresholds: the longest estimate run locally, and the least worth a cloud run's overhead.
    public struct Limits: Sendable, Equatable {
        public var localWallHours: Double
        public var overheadFloorHours: Double
        public init(localWallHours: Double = 2, overheadFloorHours: Double = 0.15) {
            self.localWallHours = localWallHours; self.overheadFloorHours = overheadFloorHours
        }
    }

    public static func decide(_ spec: ExperimentSpec, capacity: MachineCapacity, preference: CloudPreference,
                              limits: Limits = Limits()) -> ComputeAdvice {
        let profile = spec.computeProfile
        let budget = spec.resourceBudget
        func advice(_ kind: ComputeAdvice.Kind, _ reasons: [String]) -> ComputeAdvice {
            ComputeAdvice(kind: kind, reasons: reasons, preference: preference)
        }
        // A spec that makes a cloud target mandatory.
        for (what, text) in [("compute target", profile?.target), ("tier", budget?.tierText)] {
            guard let text, saysCloudIsMandatory(text) else { continue }
            return advice(.mandatory, ["the spec's \(what) says \"\(text)\""])
        }
        var offload: [String] = []
        if let gpu = gpuWorkload(profile), capacity.gpus.isEmpty {
            offload.append("a GPU workload (\(gpu)) and no usable GPU here (nvidia-smi lists none)")
        }
        if budget?.tier == .heavy { offload.append("tier Heavy") }
        let hours = profile?.estimatedWallHours
        if let hours, hours > limits.localWallHours {
            offload.append("estimated_wall_hours \(format(hours)) is above the local limit of \(format(limits.localWallHours)) h")
        }
        if let memory = profile?.memoryGB, memory > capacity.memoryAvailableGB {
            offload.append("memory_gb \(format(memory)) is more than the \(format(capacity.memoryAvailableGB)) GB available here")
        }
        if !offload.isEmpty { return advice(.mustOffload, offload) }
        let fits = "it fits here (\(capacity.summary); estimated_wall_hours \(hours.map(format) ?? "not stated"))"
        if preference != .local, let hours, hours > limits.overheadFloorHours {
            return advice(.cloudPreferred, [fits, "preference \(preference.rawValue), and the estimate is above the overhead floor of \(format(limits.overheadFloorHours)) h"])
        }
        if preference != .local {
            return advice(.availabilityNote, [fits, "preference \(preference.rawValue)" + (hours.map { $0 <= limits.overheadFloorHours ? ", the estimate is within the overhead floor of \(format(limits.overheadFloorHours)) h" : "" } ?? ", no estimate to weigh the overhead against")])
        }
        return advice(.none, [fits, "preference local"])
    }

    /// Why the profile is a GPU workload, or nil.
    static func gpuWorkload(_ profile: ComputeProfile?) -> String? {
        guard let profile else { return nil }
        if profile.computeType?.lowercased() == "gpu" { return "compute_type gpu" }
        if let gpu = profile.gpuType?.trimmingCharacters(in: .whitespaces), !gpu.isEmpty,
           !["none", "n/a", "na", "null", "-"].contains(gpu.lowercased()) { return "gpu_type \(gpu)" }
        if let model = profile.value("model_type"), model.lowercased().contains("pytorch") { return "model_type \(model)" }
        return nil
    }

    static func saysCloudIsMandatory(_ text: String) -> Bool {
        let t = text.lowercased()
        return t.contains("cloud") && (t.contains("mandatory") || t.contains("required") || t.contains("must"))
    }

    static func format(_ d: Double) -> String { NumberText.short(d) }
}
