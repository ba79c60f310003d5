import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The client side, used by `rigor exec` and `rigor protocol run` inside the sandbox when
/// `RIGOR_BROKER_SOCKET` names a broker: sends the command line, relays the run's output to
/// this process's stdout and stderr and passes Ctrl-C (INT, TERM, HUP) on. The exit status is
/// the run's, as the same command would have given outside.
public enum BrokerClient {
    /// The broker's socket when this process should forward its command to one.
    public static func socket(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let s = environment[RunBroker.socketVariable], s.hasPrefix("/") else { return nil }
        return s
    }

    /// Forwards `rigor <command> <arguments>` and returns the exit status to exit with.
    public static func forward(_ command: BrokerRequest.Command, arguments: [String], socketPath: String) -> Int32 {
        let env = ProcessInfo.processInfo.environment.filter { BrokerRequest.forwardedVariable($0.key) }
        let request = BrokerRequest(command: command, arguments: arguments,
                                    workingDirectory: FileManager.default.currentDirectoryPath, environment: env)
        let fd = UnixSocket.connect(socketPath)
        guard fd >= 0 else {
            writeAll(2, Array("rigor: cannot reach the run broker at \(socketPath) (\(String(cString: strerror(errno)))); is 'rigor run' still active?\n".utf8))
            return 2
        }
        defer { close(fd) }
        guard sendAll(fd, Array(request.json.serialized(pretty: false).utf8) + [10]) else {
            writeAll(2, Array("rigor: the run broker closed the connection before the request was sent\n".utf8))
            return 2
        }
        let relays = [SIGINT, SIGTERM, SIGHUP].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let name = sig == SIGINT ? "INT" : sig == SIGHUP ? "HUP" : "TERM"
            source.setEventHandler { sendAll(fd, BrokerFrame.signal(name).line) }
            source.resume()
            return source
        }
        defer { relays.forEach { $0.cancel() } }
        let reader = LineReader(fd: fd, limit: 1 << 20)
        while !reader.ended {
            let (lines, _) = reader.readLines()
            for line in lines {
                switch BrokerFrame.parse(line) {
                case .stdout(let b)?: writeAll(1, b)
                case .stderr(let b)?: writeAll(2, b)
                case .exit(let s)?: return s
                case .error(let m, let s)?:
                    writeAll(2, Array("rigor: \(m)\n".utf8))
                    return s
                default: continue
                }
            }
        }
        writeAll(2, Array("rigor: the run broker closed the connection before the run ended\n".utf8))
        return 1
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}

/// Connecting a Unix stream socket.
enum UnixSocket {
    static func connect(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { close(fd); errno = ENAMETOOLONG; return -1 }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 { let e = errno; close(fd); errno = e; return -1 }
        return fd
    }
}
