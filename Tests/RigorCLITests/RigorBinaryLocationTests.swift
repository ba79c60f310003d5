import Foundation
import RigorTestSupport
import Testing

/// The one helper every CLI test launches `rigor` through: RIGOR_BIN first, the build folder
/// second, and a missing binary is a problem to report (the tests fail), never a reason to skip.
@Suite struct RigorBinaryLocationTests {
    @Test func rigorBinIsUsedWhenSetAndExecutable() throws {
        let dir = TempDirectory(prefix: "rigor-bin")
        let bin = dir.write("bin/rigor", "#!/bin/sh\n")
        #expect(chmod(bin, 0o755) == 0)
        let found = RigorBinary.locate(environment: ["RIGOR_BIN": bin], root: dir.path)
        #expect(found.path == bin)
        #expect(found.problem == nil)
    }

    @Test func rigorBinThatIsNotExecutableIsAProblemNamingIt() {
        let dir = TempDirectory(prefix: "rigor-bin")
        let bin = dir.write("bin/rigor", "not executable\n")
        let found = RigorBinary.locate(environment: ["RIGOR_BIN": bin], root: dir.path)
        #expect(found.problem?.contains("RIGOR_BIN=\(bin) is not an executable file") == true, "\(found.problem ?? "nil")")
    }

    @Test func withoutRigorBinTheBuildFolderIsUsedElseTheProblemSaysHowToSetIt() throws {
        let dir = TempDirectory(prefix: "rigor-root")
        let missing = RigorBinary.locate(environment: [:], root: dir.path)
        let problem = try #require(missing.problem)
        #expect(problem.contains("the rigor binary was not found"), "\(problem)")
        #expect(problem.contains("set RIGOR_BIN to the built binary"), "\(problem)")
        #expect(problem.contains("swift build --show-bin-path"), "\(problem)")

        let built = dir.write(".build/x86_64-unknown-linux-gnu/debug/rigor", "#!/bin/sh\n")
        #expect(chmod(built, 0o755) == 0)
        let found = RigorBinary.locate(environment: ["RIGOR_BIN": ""], root: dir.path)
        #expect(found.path == built)
        #expect(found.problem == nil)
    }

    @Test func thisTestProcessFindsTheBuiltBinary() {
        #expect(RigorBinary.located.problem == nil, "\(RigorBinary.located.problem ?? "")")
        #expect(FileManager.default.isExecutableFile(atPath: RepoPaths.rigorBinary))
    }
}
