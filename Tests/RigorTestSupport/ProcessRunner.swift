import Foundation

/// The outcome of running a real child process from a test.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool
    public var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    public var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

/// Runs a command to completion with a timeout (the child is killed when it runs over).
public func runProcess(_ argv: [String], cwd: String? = nil, environment: [String: String]? = nil,
                       stdin: String? = nil, timeout: TimeInterval = 60) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
    process.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
    if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    let outData = LockedData(), errData = LockedData()
    let group = DispatchGroup()
    for (pipe, sink) in [(out, outData), (err, errData)] {
        group.enter()
        DispatchQueue.global().async {
            sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
    }
    let deadline = Date().addingTimeInterval(timeout)
    var timedOut = false
    while process.isRunning {
        if Date() > deadline { timedOut = true; process.terminate(); kill(process.processIdentifier, SIGKILL); break }
        usleep(10_000)
    }
    process.waitUntilExit()
    group.wait()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
                         stderr: String(decoding: errData.get(), as: UTF8.self), timedOut: timedOut)
}

final class LockedData: @unchecked Sendable {
    private var data = Data()
    private let lock = NSLock()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// Runs the built `rigor` binary.
public func rigor(_ args: String..., cwd: String? = nil, stdin: String? = nil, timeout: TimeInterval = 60) throws -> ProcessResult {
    try runProcess([RepoPaths.rigorBinary] + args, cwd: cwd, stdin: stdin, timeout: timeout)
}

public func rigor(arguments: [String], cwd: String? = nil, environment: [String: String]? = nil, stdin: String? = nil,
                  timeout: TimeInterval = 60) throws -> ProcessResult {
    try runProcess([RepoPaths.rigorBinary] + arguments, cwd: cwd, environment: environment, stdin: stdin, timeout: timeout)
}

/// Drains a pipe on a dedicated thread with plain read(2) until end of file, handing each chunk
/// to `onData`. Used instead of FileHandle.readabilityHandler, whose dispatch-source machinery
/// has crashed the test process on Linux when a child is killed while its pipe is watched.
public func drainOnThread(_ handle: FileHandle, onData: @escaping @Sendable (Data) -> Void = { _ in }) {
    let fd = handle.fileDescriptor
    Thread.detachNewThread {
        // The handle stays alive (and its descriptor open) until the reader has seen end of file.
        withExtendedLifetime(handle) {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 { onData(Data(buffer[0..<n])) }
                else if n < 0 && errno == EINTR { continue }
                else { break }
            }
        }
    }
}
