import Foundation
import Testing
import RigorBasics
import RigorSupervisor
import RigorTestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("rigor exec and signals")
struct SignalTests {
    @Test func sigintToRigorExecStopsTheChildGroupAndRecordsInterrupted() throws {
        let f = SupervisedFixture()
        let pidfile = f.temp.path + "/pids"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepoPaths.rigorBinary)
        process.arguments = ["exec", "--no-guard", "--experiment", f.experimentDir, "--kill-grace", "2", "--",
                             "python3", SupervisedFixture.script("hang_with_grandchild.py"), pidfile]
        process.currentDirectoryURL = URL(fileURLWithPath: f.temp.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = try #require(waitForFile(pidfile))
        let pids = text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(kill(pids[1], 0) == 0)
        kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 130)
        #expect(groupIsEmpty(pids[2]))
        let (records, _) = RunRecordFile.all(experimentDir: f.experimentDir)
        #expect(records.count == 1)
        #expect(records.first?.status == .interrupted)
    }
}
