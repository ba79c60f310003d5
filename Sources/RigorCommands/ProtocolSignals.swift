import Dispatch
import RigorProtocol
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT/SIGTERM during `rigor protocol run`: cancel the engine, which stops its runs as interrupted.
enum ProtocolSignals {
    static func cancelOnInterrupt(_ task: Task<Result<ProtocolOutcome, ProtocolError>, Never>) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
    }
}
