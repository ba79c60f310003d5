import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serves run requests from inside the sandbox while `rigor run` is active (docs/broker.md).
///
/// Listens on a Unix socket in a private folder (0700) under /tmp, which the agent's sandbox
/// shows read-only at the same path. Each accepted connection is one request: the broker
/// checks it, starts `rigor exec …` or `rigor protocol run …` as a process of its own outside
/// the sandbox (which guards, meters and records the run as from a terminal, in a sandbox of its
/// own), streams the run's output back and ends with its exit status. Only these processes
/// write the records; the agent only reads them.
public final class RunBroker: Sendable {
    public struct Configuration: Sendable {
        /// Rigor's own executable (started for each request).
        public var rigorExecutable: String
        public var workspaceRoot: String
        /// The spec every brokered run must belong to (`RIGOR_BROKER_SPEC` for the run).
        public var specPath: String
        /// The environment of brokered runs, before the client's forwarded variables (no secrets).
        public var environment: [String: String]
        /// The grant that lets a brokered run begin its own guard session (`BrokerGrant`).
        public var grant: String?
        public init(rigorExecutable: String, workspaceRoot: String, specPath: String, environment: [String: String], grant: String?) {
            self.rigorExecutable = rigorExecutable; self.workspaceRoot = workspaceRoot; self.specPath = specPath
            self.environment = environment; self.grant = grant
        }
    }

    /// What happened, for progress and the transcript.
    public enum Event: Sendable {
        case started(id: Int, request: BrokerRequest)
        case finished(id: Int, status: Int32)
        case refused(String)
    }

    public static let socketVariable = "RIGOR_BROKER_SOCKET"
    /// The spec a brokered run must belong to (set by the broker for the runs it starts).
    public static let specVariable = "RIGOR_BROKER_SPEC"

    public let configuration: Configuration
    /// The folder holding the socket (to keep visible inside the sandbox).
    public let folder: String
    public let socketPath: String
    private let listener: Int32
    private let onEvent: @Sendable (Event) -> Void

    private struct State {
        var children: [Int: pid_t] = [:]
        var connections = 0
        var nextID = 0
        var stopping = false
    }
    private let state = Mutex(State())

    public init(_ configuration: Configuration, onEvent: @escaping @Sendable (Event) -> Void = { _ in }) throws(BrokerRefusal) {
        self.configuration = configuration
        self.onEvent = onEvent
        var template = Array("/tmp/rigor-broker-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BrokerRefusal("cannot create the socket folder: \(String(cString: strerror(errno)))") }
        folder = String(cString: made)
        socketPath = folder + "/socket"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BrokerRefusal("socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in pathBytes.enumerated() where i < raw.count - 1 { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0, listen(fd, 64) == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw BrokerRefusal("cannot listen on \(socketPath): \(why)")
        }
        listener = fd
    }

    /// Starts accepting connections on a thread of its own.
    public func start() {
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Runs started and still running.
    public var activeRuns: Int { state.withLock { $0.children.count } }

    private func acceptLoop() {
        while true {
            let conn = accept(listener, nil, nil)
            if conn < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            _ = fcntl(conn, F_SETFD, FD_CLOEXEC)
            let accepted = state.withLock { s -> Bool in
                if s.stopping { return false }
                s.connections += 1
                return true
            }
            guard accepted else {
                sendAll(conn, BrokerFrame.error("rigor run is stopping; no new runs are started", status: 3).line)
                close(conn)
                continue
            }
            Thread.detachNewThread { [self] in
                serve(conn)
                close(conn)
                state.withLock { $0.connections -= 1 }
            }
        }
    }

    private func serve(_ conn: Int32) {
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let reader = LineReader(fd: conn, limit: BrokerRequest.maxBytes)
        var line: [UInt8]?
        while line == nil && !reader.ended {
            let (lines, overflow) = reader.readLines()
            if overflow { break }
            line = lines.first
        }
        guard let line else {
            refuse(conn, BrokerRefusal("no request line (or one larger than \(BrokerRequest.maxBytes) bytes)"))
            return
        }
        let request: BrokerRequest
        switch BrokerRequest.parse(line, workspaceRoot: configuration.workspaceRoot) {
        case .success(let r): request = r
        case .failure(let refusal): refuse(conn, refusal); return
        }
        run(request, conn: conn)
    }

    private func refuse(_ conn: Int32, _ refusal: BrokerRefusal) {
        onEvent(.refused(refusal.message))
        sendAll(conn, BrokerFrame.error(refusal.description, status: 2).line)
    }

    private func run(_ request: BrokerRequest, conn: Int32) {
        var env = configuration.environment
        for (k, v) in request.environment { env[k] = v }
        env[Self.specVariable] = configuration.specPath
        env[Self.socketVariable] = nil
        if let grant = configuration.grant { env["RIGOR_BROKER_GRANT"] = grant }
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard GlibcExtras.pipeCloexec(&out) == 0 else { refuse(conn, BrokerRefusal("pipe: \(String(cString: strerror(errno)))")); return }
        guard GlibcExtras.pipeCloexec(&err) == 0 else {
            close(out[0]); close(out[1])
            refuse(conn, BrokerRefusal("pipe: \(String(cString: strerror(errno)))")); return
        }
        var spec = LaunchSpec(argv: [configuration.rigorExecutable] + request.command.words + request.arguments, environment: env)
        spec.workingDirectory = request.workingDirectory
        spec.stdout = .descriptor(out[1])
        spec.stderr = .descriptor(err[1])
        let id = state.withLock { s -> Int in s.nextID += 1; return s.nextID }
        // Registered under the lock that `stop` takes: a run is either refused or stopped with the others.
        let launched = state.withLock { s -> Result<pid_t, BrokerRefusal> in
            if s.stopping { return .failure(BrokerRefusal("rigor run is stopping; no new runs are started")) }
            do {
                let p = try ProcessLauncher.spawn(spec)
                s.children[id] = p
                return .success(p)
            } catch { return .failure(BrokerRefusal("\(error)")) }
        }
        guard case .success(let pid) = launched else {
            close(out[0]); close(out[1]); close(err[0]); close(err[1])
            if case .failure(let refusal) = launched { refuse(conn, refusal) }
            return
        }
        close(out[1]); close(err[1])
        onEvent(.started(id: id, request: request))
        let status = pump(pid: pid, stdout: out[0], stderr: err[0], conn: conn)
        close(out[0]); close(err[0])
        state.withLock { _ = $0.children.removeValue(forKey: id) }
        onEvent(.finished(id: id, status: status))
        sendAll(conn, BrokerFrame.exit(status).line)
    }

    /// Streams the run's output to the client and passes the client's signals on, until the
    /// run's output ends; returns its exit status. A client that goes away stops the run (TERM).
    private func pump(pid: pid_t, stdout: Int32, stderr: Int32, conn: Int32) -> Int32 {
        var open: [Int32] = [stdout, stderr]
        var clientGone = false
        let control = LineReader(fd: conn, limit: 4096)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if !clientGone { fds.append(pollfd(fd: conn, events: Int16(POLLIN), revents: 0)) }
            let rc = poll(&fds, nfds_t(fds.count), 1000)
            if rc < 0 && errno != EINTR { break }
            for p in fds where p.revents != 0 {
                if p.fd == conn {
                    let (lines, overflow) = control.readLines()
                    for l in lines { if case .signal(let name)? = BrokerFrame.parse(l) { Self.signalGroup(pid, name == "INT" ? SIGINT : name == "HUP" ? SIGHUP : SIGTERM) } }
                    if control.ended || overflow {
                        clientGone = true
                        Self.signalGroup(pid, SIGTERM)
                    }
                    continue
                }
                let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, 65536) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { open.removeAll { $0 == p.fd }; continue }
                let chunk = Array(buffer[0..<n])
                if !clientGone && !sendAll(conn, (p.fd == stdout ? BrokerFrame.stdout(chunk) : .stderr(chunk)).line) {
                    clientGone = true
                    Self.signalGroup(pid, SIGTERM)
                }
            }
        }
        return ProcessLauncher.exitStatus(ProcessLauncher.wait(pid))
    }

    static func signalGroup(_ pid: pid_t, _ sig: Int32) {
        if kill(-pid, sig) != 0 { kill(pid, sig) }
    }

    /// Stops accepting, asks every run still going to stop (TERM: each records itself as
    /// interrupted), waits up to `grace` seconds (plus the runs' own stop time), then kills what
    /// is left and waits for the connections to finish. Returns how many runs had to be stopped.
    @discardableResult
    public func stop(grace: Double = 10) -> Int {
        let children = state.withLock { s -> [pid_t] in s.stopping = true; return Array(s.children.values) }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for pid in children { Self.signalGroup(pid, SIGTERM) }
        let deadline = Monotonic.seconds() + grace
        while Monotonic.seconds() < deadline && state.withLock({ !$0.children.isEmpty }) { usleep(20_000) }
        for pid in state.withLock({ Array($0.children.values) }) { Self.signalGroup(pid, SIGKILL) }
        let end = Monotonic.seconds() + 10
        while Monotonic.seconds() < end && state.withLock({ $0.connections > 0 }) { usleep(20_000) }
        unlink(socketPath)
        rmdir(folder)
        return children.count
    }
}
