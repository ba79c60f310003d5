import Foundation
import RigorBasics
import Synchronization

/// Runs commands with the protected set mounted read-only by the kernel (bubblewrap).
///
/// Layout inside: the whole filesystem read-only as the child sees it, a private `/dev` (with
/// its own `/dev/shm`), a fresh `/proc` (own PID namespace), private empty `/tmp` and
/// `/var/tmp` (tmpfs) with a private `HOME` in `/tmp/home`; then writable binds (workspace,
/// own results, `writable:` additions) and read-only binds over every existing protected path
/// and harness record, applied shallow to deep so the longest path wins, exactly as
/// `ProtectedSet.protectingEntry` decides; last, Rigor's trusted store is covered by an empty
/// read-only tmpfs. All capabilities are dropped (a root child cannot remount),
/// `--new-session` detaches it from the terminal, `--die-with-parent` ends the tree with
/// Rigor, and when the command ends the PID namespace ends every process it started.
public struct Sandbox: LaunchWrapper {
    public let set: ProtectedSet
    public let bwrapPath: String
    public let store: TrustedStore
    /// A folder bound (writable) as the private home, instead of an empty one.
    public var homeSource: String?
    /// More paths under a temp folder to keep visible, read-only (the broker's socket folder).
    public var visible: [String] = []
    /// The private home inside the sandbox.
    public static let privateHome = "/tmp/home"
    /// Device nodes of GPUs and other accelerators in `dev` (NVIDIA, DRM render nodes, AMD KFD),
    /// which a training run inside the sandbox needs; sorted.
    public static func acceleratorDevices(in dev: String = "/dev") -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dev)) ?? []
        return names.filter { n in ["nvidia", "dri", "kfd"].contains { n.hasPrefix($0) } }.sorted().map { dev + "/" + $0 }
    }

    /// Files of the real home shown read-only in the private one (configuration tools read).
    public static let sharedDotfiles: [(String, Bool)] = [(".gitconfig", false), (".config/git", true)]
    /// Temp folders replaced by private empty ones inside.
    public static let privateTemp = ["/tmp", "/var/tmp"]

    public init(set: ProtectedSet, bwrapPath: String, store: TrustedStore = .current()) {
        self.set = set
        self.bwrapPath = bwrapPath
        self.store = store
    }

    public var summary: String {
        "bubblewrap: \(set.protected.filter(\.exists).count) read-only paths, \(writablePaths.count) writable, private HOME and temp folders"
    }

    var writablePaths: [String] {
        var seen = Set<String>()
        return set.writable.filter { FileManager.default.fileExists(atPath: $0) && seen.insert($0).inserted }
    }

    /// Whether the real HOME was made writable by `writable:` in guard.yaml (then it stays HOME).
    var realHomeWritable: String? {
        guard let h = ProcessInfo.processInfo.environment["HOME"], h.hasPrefix("/") else { return nil }
        let home = PathResolution.resolve(h, relativeTo: "/")
        return writablePaths.contains(home) ? home : nil
    }

    /// The bwrap arguments before `--` (exposed for tests and `rigor guard show`).
    public func bwrapArguments(workingDirectory: String, extraReadOnly: [String] = []) -> [String] {
        var args = ["--die-with-parent", "--unshare-pid", "--new-session", "--cap-drop", "ALL",
                    "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        // The private /dev has no accelerators: the GPUs' device nodes are bound in.
        for d in Self.acceleratorDevices() { args += ["--dev-bind", d, d] }
        for t in Self.privateTemp { args += ["--tmpfs", t] }
        // The users' runtime folders hold session-bus and other sockets that could start
        // commands outside the sandbox (systemd-run --user): hidden.
        if FileManager.default.fileExists(atPath: "/run/user") { args += ["--tmpfs", "/run/user"] }
        if let homeSource { args += ["--bind", homeSource, Self.privateHome] } else { args += ["--dir", Self.privateHome] }
        // The user's git identity and settings stay available, read-only, in the private home.
        if realHomeWritable == nil, let home = ProcessInfo.processInfo.environment["HOME"], home.hasPrefix("/") {
            for (rel, isDir) in Self.sharedDotfiles {
                var d: ObjCBool = false
                if FileManager.default.fileExists(atPath: home + "/" + rel, isDirectory: &d), d.boolValue == isDir {
                    args += ["--ro-bind", home + "/" + rel, Self.privateHome + "/" + rel]
                }
            }
        }
        var binds: [(path: String, writable: Bool)] = writablePaths.map { ($0, true) }
        binds += set.protected.filter(\.exists).map { ($0.path, false) }
        // Programs and files under a private temp folder (a build or a venv in /tmp) stay visible, read-only.
        let writable = writablePaths
        binds += extraReadOnly.filter { p in
            Self.privateTemp.contains { PathResolution.isWithin(p, $0) } && !writable.contains { PathResolution.isWithin(p, $0) }
                && !set.protected.contains { PathResolution.isWithin(p, $0.path) } && FileManager.default.fileExists(atPath: p)
        }.map { ($0, false) }
        // Shallow first; at equal depth writable first so a protected path of the same depth wins.
        binds.sort { a, b in
            let da = a.path.split(separator: "/").count, db = b.path.split(separator: "/").count
            return da != db ? da < db : (a.writable && !b.writable)
        }
        var bound = Set<String>()
        for b in binds where bound.insert((b.writable ? "w:" : "r:") + b.path).inserted {
            args += [b.writable ? "--bind" : "--ro-bind", b.path, b.path]
        }
        args += hideStore()
        args += ["--chdir", workingDirectory]
        args += ["--setenv", "HOME", realHomeWritable ?? Self.privateHome, "--setenv", "TMPDIR", "/tmp"]
        for v in ["XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"] { args += ["--unsetenv", v] }
        args += ["--setenv", "RIGOR_GUARD_MODE", GuardMode.bubblewrap.rawValue]
        return args
    }

    /// Covers the trusted store with an empty read-only tmpfs (the key and the trusted
    /// manifests are neither readable nor writable inside).
    func hideStore() -> [String] {
        ["--tmpfs", store.root, "--remount-ro", store.root]
    }

    public func wrap(_ argv: [String], workingDirectory: String) throws -> [String] {
        var extra = [CommandLine.arguments.first.map { ($0 as NSString).resolvingSymlinksInPath }].compactMap { $0 }
        extra = extra.map { ($0 as NSString).deletingLastPathComponent }
        if let program = argv.first, program.hasPrefix("/") { extra.append((program as NSString).deletingLastPathComponent) }
        // Files the command names by absolute path (a script in a temp folder) stay visible too.
        extra += argv.dropFirst().filter { $0.hasPrefix("/") }
        extra += visible
        return [bwrapPath] + bwrapArguments(workingDirectory: PathResolution.resolve(workingDirectory, relativeTo: "/"), extraReadOnly: extra) + ["--"] + argv
    }

    /// A probe sandbox: everything read-only, no network, private temp, Rigor's store hidden.
    public func wrapProbe(_ argv: [String]) -> [String]? {
        var args = [bwrapPath, "--die-with-parent", "--unshare-pid", "--unshare-net", "--new-session", "--cap-drop", "ALL",
                    "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        for t in Self.privateTemp { args += ["--tmpfs", t] }
        // The workspace (and the probed program) stay visible, read-only, when they live in a temp folder.
        var visible = writablePaths
        if let program = argv.first, program.hasPrefix("/") { visible.append((program as NSString).deletingLastPathComponent) }
        for p in visible where Self.privateTemp.contains(where: { PathResolution.isWithin(p, $0) }) && FileManager.default.fileExists(atPath: p) {
            args += ["--ro-bind", p, p]
        }
        args += hideStore()
        args += ["--chdir", "/", "--"]
        return args + argv
    }
}

/// The fallback's containment: `setsid --wait unshare --pid --fork --kill-child`: a session of
/// its own (as bubblewrap's `--new-session`: `kill 0` or a signal to its group cannot reach
/// Rigor or Rigor's caller) and a PID namespace of its own, so that no
/// process of a run outlives it even without bubblewrap (used when it works here). The host's
/// /proc stays mounted, so `SandboxDetection` still sees the run's ancestry from inside.
public struct PIDNamespaceWrapper: LaunchWrapper {
    public let unsharePath: String
    public let setsidPath: String?

    public var summary: String { "own session and pid namespace (setsid, unshare); protected paths NOT kernel-protected (chmod fallback)" }

    public func wrap(_ argv: [String], workingDirectory: String) throws -> [String] {
        (setsidPath.map { [$0, "--wait"] } ?? []) + [unsharePath, "--pid", "--fork", "--kill-child", "--"] + privateHome() + argv
    }

    /// `env HOME=<fresh folder> TMPDIR=<fresh folder>`: without a mount namespace the real home
    /// and /tmp cannot be hidden, but tools that write to $HOME and $TMPDIR get folders of the
    /// run's own (left in /tmp for inspection).
    func privateHome() -> [String] {
        guard let env = TrustedExecutable.resolve("env") else { return [] }
        var template = Array("/tmp/rigor-run-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { return [] }
        let dir = String(cString: made)
        let home = dir + "/home"
        guard mkdir(home, 0o700) == 0 else { return [] }
        if let real = ProcessInfo.processInfo.environment["HOME"], real.hasPrefix("/") {
            for (rel, _) in Sandbox.sharedDotfiles where !rel.contains("/") && FileManager.default.fileExists(atPath: real + "/" + rel) {
                _ = symlink(real + "/" + rel, home + "/" + rel)
            }
        }
        return [env, "HOME=" + home, "TMPDIR=" + dir]
    }

    public func wrapProbe(_ argv: [String]) -> [String]? { nil }

    /// The wrapper when `unshare` is a trusted system program that can make a PID namespace here.
    public static func current() -> PIDNamespaceWrapper? {
        cache.withLock { cached in
            if let cached { return cached.wrapper }
            var found: PIDNamespaceWrapper?
            if let path = TrustedExecutable.resolve("unshare"),
               let out = CapturedCommand.run([path, "--pid", "--fork", "--kill-child", "--", "/bin/true"],
                                             environment: TrustedExecutable.scrubbedEnvironment(), timeout: 10), out.status == 0 {
                found = PIDNamespaceWrapper(unsharePath: path, setsidPath: TrustedExecutable.resolve("setsid"))
            }
            cached = Probe(wrapper: found)
            return found
        }
    }

    struct Probe: Sendable { var wrapper: PIDNamespaceWrapper? }
    static let cache = Mutex<Probe?>(nil)
}
