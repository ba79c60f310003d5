import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// glibc functions Swift's Glibc module hides behind _GNU_SOURCE, looked up at run time
/// (dlsym) with portable fallbacks where they are missing.
public enum GlibcExtras {
    public typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    public typealias AddChdir = @convention(c) (UnsafeMutableRawPointer, UnsafePointer<CChar>) -> Int32
    public typealias AddClosefrom = @convention(c) (UnsafeMutableRawPointer, Int32) -> Int32

    private static func symbol<T>(_ name: String, as: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, name) else { return nil }
        return unsafeBitCast(sym, to: T.self)
    }

    public typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    /// prctl(2) (variadic in C, so not imported by Swift).
    nonisolated(unsafe) public static let prctlFunction = symbol("prctl", as: Prctl.self)
    nonisolated(unsafe) public static let pipe2Function = symbol("pipe2", as: Pipe2.self)
    nonisolated(unsafe) public static let addChdirFunction = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    nonisolated(unsafe) public static let addClosefromFunction = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self)

    /// A pipe whose both ends are close-on-exec (atomically with pipe2 when available).
    public static func pipeCloexec(_ fds: UnsafeMutablePointer<Int32>, nonBlocking: Bool = false) -> Int32 {
        if let pipe2Function {
            return pipe2Function(fds, O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0))
        }
        guard pipe(fds) == 0 else { return -1 }
        for i in 0..<2 {
            _ = fcntl(fds[i], F_SETFD, FD_CLOEXEC)
            if nonBlocking { _ = fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK) }
        }
        return 0
    }
}
