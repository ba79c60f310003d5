import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a run came from: code version, command, environment subset, Python and GPU.
enum Provenance {
    /// Variables recorded by name (when set), besides the prefixes below.
    static let recordedNames: Set<String> = ["PATH", "CUDA_VISIBLE_DEVICES", "PYTHONHASHSEED", "PYTHONPATH", "VIRTUAL_ENV",
        "CONDA_DEFAULT_ENV", "CONDA_PREFIX", "LANG", "LC_ALL", "TZ", "CUBLAS_WORKSPACE_CONFIG", "HOME", "USER", "SHELL"]
    static let recordedPrefixes = ["CUDA_", "NCCL_", "TORCH_", "PYTHON", "OMP_", "MKL_", "OPENBLAS_", "RIGOR_", "HF_", "TF_", "JAX_", "XLA_"]
    /// Secret variables are never recorded, whatever their prefix.
    static func isSecret(_ name: String) -> Bool { Secrets.isSecret(name) }

    /// The recorded subset of an environment, sorted by name.
    static func environmentSubset(_ env: [String: String]) -> JSONObject {
        var o = JSONObject()
        for name in env.keys.sorted() where !isSecret(name)
            && (recordedNames.contains(name) || recordedPrefixes.contains(where: { name.hasPrefix($0) })) {
            o[name] = .string(env[name] ?? "")
        }
        return o
    }

    static func collect(command: [String], executable: String, cwd: String, env: [String: String],
                        gpus: Int, gpusSource: String, cache: DirectoryHandle, probes: ProbeRunner) -> JSONObject {
        var o = JSONObject()
        o["hostname"] = .string(hostname())
        o["command"] = .array(command.map { .string($0) })
        o["executable"] = .string(executable)
        o["working_directory"] = .string(cwd)
        o["gpus"] = .number(Double(gpus))
        o["gpus_source"] = .string(gpusSource)
        o["git"] = git(cwd: cwd, probes: probes)
        o["environment"] = .object(environmentSubset(env))
        if isPython(command) {
            o["python"] = PythonInfo.lookup(executable: pythonExecutable(command, resolvedFirst: executable, env: env, cwd: cwd), env: env, cache: cache, probes: probes)
        }
        if let gpu = gpuModels(probes: probes) { o["gpu_models"] = .array(gpu.map { .string($0) }) }
        return o
    }

    static func hostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, 255)
        return String(cString: buf)
    }

    static func isPython(_ command: [String]) -> Bool {
        command.prefix(3).contains { URL(fileURLWithPath: $0).lastPathComponent.hasPrefix("python") }
    }

    static func pythonExecutable(_ command: [String], resolvedFirst: String, env: [String: String], cwd: String) -> String {
        if URL(fileURLWithPath: command[0]).lastPathComponent.hasPrefix("python") { return resolvedFirst }
        let name = command.prefix(3).first { URL(fileURLWithPath: $0).lastPathComponent.hasPrefix("python") } ?? "python3"
        return ChildProcess.resolveExecutable(name, path: env["PATH"], cwd: cwd) ?? name
    }

    /// Commit (read from the repository's files: no git process), and, when probes run in a
    /// sandbox of their own, the dirty flag and SHA-256 of the uncommitted diff (tracked
    /// changes + untracked names) from git run there with every configured program disabled.
    static func git(cwd: String, probes: ProbeRunner) -> JSONValue {
        guard let repo = GitRepository.find(from: cwd), let commit = repo.headCommit() else { return .null }
        var o = JSONObject([("commit", .string(commit))])
        guard probes.sandboxed else {
            o["dirty"] = .null
            o["note"] = .string("dirty state not checked: git runs only inside a read-only probe sandbox, and none is available (guard mode chmod-fallback or --no-guard)")
            return .object(o)
        }
        let base = ["git", "-C", repo.workTree] + GitRepository.hardening
        var hasher = SHA256()
        var diffBytes = 0
        let diff = probes.run(base + ["diff", "HEAD", "--binary", "--no-ext-diff", "--no-textconv"], environment: GitRepository.environment, timeout: 30) { chunk in
            hasher.update(chunk); diffBytes += chunk.count
        }
        let untracked = probes.run(base + ["ls-files", "--others", "--exclude-standard", "-z"], environment: GitRepository.environment, limit: 4 << 20)
        var untrackedCount = 0
        if let u = untracked { for b in u.stdout where b == 0 { untrackedCount += 1 } }
        if let u = untracked { hasher.update(u.stdout) }
        let dirty = diffBytes > 0 || untrackedCount > 0
        o["dirty"] = .bool(dirty)
        o["dirty_diff_sha256"] = dirty ? .string(SHA256.hex(hasher.finalize())) : .null
        o["untracked_files"] = .number(Double(untrackedCount))
        if diff?.status != 0 { o["note"] = .string("git diff failed; dirty_diff_sha256 covers untracked names only") }
        return .object(o)
    }

    /// GPU model names from nvidia-smi, when it is installed.
    static func gpuModels(probes: ProbeRunner) -> [String]? {
        guard TrustedExecutable.resolve("nvidia-smi") != nil,
              let out = probes.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], timeout: 10), out.status == 0
        else { return nil }
        let text = String(decoding: out.stdout, as: UTF8.self)
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Python version and installed packages, cached per experiment: the cache entry is reused
/// while the interpreter file and every sys.path folder keep their modification times.
enum PythonInfo {
    static let probe = """
    import sys, json, os
    try:
        from importlib import metadata
        pkgs = sorted({"%s==%s" % (d.metadata["Name"], d.version) for d in metadata.distributions() if d.metadata["Name"]})
    except Exception as e:
        pkgs = ["(package listing failed: %s)" % e]
    print(json.dumps({"version": sys.version.split()[0], "implementation": sys.implementation.name,
        "executable": sys.executable, "prefix": sys.prefix, "packages": pkgs,
        "path": [p for p in sys.path if p and os.path.isdir(p)]}))
    """

    static let cacheName = ".python-provenance.json"

    static func lookup(executable: String, env: [String: String], cache: DirectoryHandle, probes: ProbeRunner) -> JSONValue {
        let exeMTime = mtime(executable)
        let cached = (try? cache.read(cacheName, limit: 16 << 20)).flatMap { $0 }.flatMap { try? JSONReader.parse(bytes: $0) }
        if let doc = cached, let entry = doc.value[executable]?.objectValue, entry["exe_mtime"]?.doubleValue == exeMTime,
           let dirs = entry["dir_mtimes"]?.objectValue, dirs.allSatisfy({ $0.value.doubleValue == mtime($0.key) }),
           let info = entry["info"] {
            var i = info.objectValue ?? JSONObject()
            i["cached"] = .bool(true)
            return .object(i)
        }
        // -I: isolated mode (no cwd or script dir on sys.path, no user site, PYTHON* ignored).
        // In a probe sandbox the interpreter may be a launcher (pyenv shim) that needs PATH/HOME.
        var probeEnv: [String: String] = [:]
        if probes.sandboxed {
            for key in ["PATH", "HOME", "PYENV_ROOT", "PYENV_VERSION", "VIRTUAL_ENV", "CONDA_PREFIX"] { probeEnv[key] = env[key] }
        }
        guard let out = probes.run([executable, "-I", "-c", probe], environment: probeEnv, limit: 8 << 20, timeout: 60) else {
            return .object(JSONObject([("error", .string("\(executable) was not probed: outside a probe sandbox only a system interpreter runs (chmod fallback or --no-guard)"))]))
        }
        guard out.status == 0, let doc = try? JSONReader.parse(bytes: out.stdout), case .object(let probeResult) = doc.value else {
            return .object(JSONObject([("error", .string("could not query \(executable) for its version and packages"))]))
        }
        var info = JSONObject()
        for key in ["version", "implementation", "executable", "prefix", "packages"] { info[key] = probeResult[key] }
        var dirs = JSONObject()
        for p in probeResult["path"]?.arrayValue ?? [] { if let s = p.stringValue { dirs[s] = .number(mtime(s) ?? 0) } }
        var store = cached?.value.objectValue ?? JSONObject()
        store[executable] = .object(JSONObject([("exe_mtime", exeMTime.map { .number($0) } ?? .null), ("dir_mtimes", .object(dirs)), ("info", .object(info))]))
        try? cache.writeAtomically(cacheName, Array(JSONValue.object(store).serialized(pretty: true).utf8))
        info["cached"] = .bool(false)
        return .object(info)
    }

    static func mtime(_ path: String) -> Double? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
    }
}

/// The code version of a working tree, as run records state it (for `rigor run`'s config.json).
public enum CodeVersion {
    /// `{commit, dirty, dirty_diff_sha256, untracked_files}` of the git repository holding `cwd`
    /// (git runs only in a read-only probe sandbox of `wrapper`), or null outside a repository.
    public static func git(cwd: String, wrapper: (any LaunchWrapper)?, untrustedRoots: [String]) -> JSONValue {
        Provenance.git(cwd: cwd, probes: ProbeRunner(wrapper: wrapper, untrustedRoots: untrustedRoots))
    }
}
