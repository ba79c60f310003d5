/// Reads a command's options the way getopt does: `-Ei` is `-E -i`, `-i.bak` is `-i` with an
/// attached value, `--in-place=x` is `--in-place`, and a unique prefix of a long option
/// (`--in-pl`) stands for it.
struct OptionScan {
    /// Short and long options that take a value (attached or the next word).
    var withValue: [String] = []
    /// Short options whose value is only ever attached (`-Mstrict`, `-0777`).
    var attached: [String] = []
    /// Short options with an optional run of digits attached (`perl -0777`, `-l0`).
    var digits: [String] = []
    /// Short options that take an optional attached value and end the cluster (`-i.bak`).
    var endsCluster: [String] = []

    /// Whether one of `options` is present in `args` (before `--`).
    func has(_ options: [String], in args: [String]) -> Bool {
        var k = 0
        while k < args.count {
            let a = args[k]
            if a == "--" || !a.hasPrefix("-") || a == "-" { if a == "--" { return false }; k += 1; continue }
            if a.hasPrefix("--") {
                let name = String(a.split(separator: "=", maxSplits: 1).first ?? "")
                if options.contains(where: { $0.hasPrefix("--") && ($0 == name || (name.count >= 4 && $0.hasPrefix(name))) }) { return true }
                if withValue.contains(name), !a.contains("=") { k += 1 }
                k += 1; continue
            }
            let (letters, consumesNext) = cluster(a)
            if letters.contains(where: { l in options.contains("-" + String(l)) }) { return true }
            k += consumesNext ? 2 : 1
        }
        return false
    }

    /// The option letters of a short cluster, and whether the next word is the last one's value.
    func cluster(_ a: String) -> (letters: [Character], consumesNext: Bool) {
        let c = Array(a.dropFirst())
        var out: [Character] = []
        var k = 0
        while k < c.count {
            let l = c[k]
            out.append(l)
            let opt = "-" + String(l)
            if endsCluster.contains(opt) { return (out, false) }
            if digits.contains(opt) { k += 1; while k < c.count, c[k].isNumber { k += 1 }; continue }
            if attached.contains(opt) { return (out, false) }
            if withValue.contains(opt) { return (out, k == c.count - 1) }
            k += 1
        }
        return (out, false)
    }

    /// Operands: words that are not options or option values (everything after `--`).
    func operands(_ args: [String]) -> [String] {
        var out: [String] = []
        var k = 0
        var end = false
        while k < args.count {
            let a = args[k]
            if end || !a.hasPrefix("-") || a == "-" { out.append(a); k += 1; continue }
            if a == "--" { end = true; k += 1; continue }
            if a.hasPrefix("--") { k += (withValue.contains(a) && !a.contains("=")) ? 2 : 1; continue }
            k += cluster(a).consumesNext ? 2 : 1
        }
        return out
    }

    /// Values of the given options (`-o F`, `-oF`, `--output=F`, `--output F`).
    func values(of options: [String], in args: [String]) -> [String] {
        var out: [String] = []
        var k = 0
        while k < args.count {
            let a = args[k]
            if a == "--" { break }
            if let o = options.first(where: { $0.hasPrefix("--") && a.hasPrefix($0 + "=") }) { out.append(String(a.dropFirst(o.count + 1))); k += 1; continue }
            if options.contains(a), k + 1 < args.count { out.append(args[k + 1]); k += 2; continue }
            if !a.hasPrefix("--"), a.hasPrefix("-"), a.count > 2, let o = options.first(where: { $0.count == 2 && a.hasPrefix($0) }) {
                out.append(String(a.dropFirst(o.count))); k += 1; continue
            }
            if a.hasPrefix("-") && !a.hasPrefix("--") && cluster(a).consumesNext { k += 2; continue }
            if a.hasPrefix("--") && withValue.contains(a) { k += 2; continue }
            k += 1
        }
        return out
    }
}
