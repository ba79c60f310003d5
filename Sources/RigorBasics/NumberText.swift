import Foundation

/// Numbers in messages: whole numbers without a fraction, others to 6 significant digits,
/// non-finite values as `nan`, `inf`, `-inf`.
public enum NumberText {
    public static func short(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.6g", d)
    }
}
