import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lets a caller stop runs from outside: `interrupt()` stops every run started with this
/// control (now or later) as `interrupted` (SIGTERM to the group, SIGKILL after the grace).
/// Cancelling the Task that awaits `Supervisor.run` has the same effect.
public final class RunControl: Sendable {
    private let state = Mutex<(interrupted: Bool, switches: [StopSwitch])>((false, []))

    public init() {}

    /// Stops the runs using this control; sticky.
    public func interrupt() {
        let switches = state.withLock { s -> [StopSwitch] in s.interrupted = true; return s.switches }
        for sw in switches { sw.request(.interrupted) }
    }

    public var isInterrupted: Bool { state.withLock { $0.interrupted } }

    func attach(_ sw: StopSwitch) {
        let already = state.withLock { s -> Bool in s.switches.append(sw); return s.interrupted }
        if already { sw.request(.interrupted) }
    }

    func detach(_ sw: StopSwitch) {
        state.withLock { s in s.switches.removeAll { $0 === sw } }
    }
}

/// One run's stop request plus a pipe that wakes its monitor's poll().
final class StopSwitch: Sendable {
    private let requested = Mutex<RunStatus?>(nil)
    let readFD: Int32
    private let writeFD: Int32

    init() throws(SupervisorError) {
        var p: [Int32] = [-1, -1]
        guard GlibcExtras.pipeCloexec(&p, nonBlocking: true) == 0 else { throw .spawnFailed("pipe: \(String(cString: strerror(errno)))") }
        readFD = p[0]; writeFD = p[1]
    }

    deinit { close(readFD); close(writeFD) }

    /// Asks the run to stop with `status`; the first request wins.
    func request(_ status: RunStatus) {
        let first = requested.withLock { r -> Bool in if r == nil { r = status; return true }; return false }
        if first { var b: UInt8 = 1; _ = write(writeFD, &b, 1) }
    }

    var request: RunStatus? { requested.withLock { $0 } }

    func drain() {
        var buf = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buf, 64) > 0 {}
    }
}

/// Forwards SIGINT and SIGTERM sent to this process to a `RunControl` (for `rigor exec`).
public enum InterruptSignals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the forwarding; call once, before starting the run.
    public static func forward(to control: RunControl) {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { control.interrupt() }
            source.resume()
            sources.append(source)
        }
    }
}
