// swift-tools-version: 6.1
import PackageDescription

let yams = Target.Dependency.product(name: "Yams", package: "Yams")

let package = Package(
    name: "Rigor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rigor", targets: ["rigor"]),
        .library(name: "RigorSpec", targets: ["RigorSpec"]),
        .library(name: "RigorResults", targets: ["RigorResults"]),
        .library(name: "RigorSupervisor", targets: ["RigorSupervisor"]),
        .library(name: "RigorProtocol", targets: ["RigorProtocol"]),
        .library(name: "RigorGuard", targets: ["RigorGuard"]),
        .library(name: "RigorCloud", targets: ["RigorCloud"]),
        .library(name: "RigorReport", targets: ["RigorReport"]),
        .library(name: "RigorAgent", targets: ["RigorAgent"]),
        .library(name: "RigorHTTP", targets: ["RigorHTTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Layer 0: shared ground.
        .target(name: "RigorBasics"),
        // Layer 1: the contracts.
        .target(name: "RigorSpec", dependencies: ["RigorBasics", yams]),
        .target(name: "RigorResults", dependencies: ["RigorBasics", "RigorSpec"],
                resources: [.copy("Schema/metrics.schema.json")]),
        // Layer 2: enforcement and execution.
        .target(name: "RigorGuard", dependencies: ["RigorBasics", "RigorSpec", "RigorResults", yams]),
        .target(name: "RigorSupervisor", dependencies: ["RigorBasics", "RigorSpec"]),
        .target(name: "RigorProtocol", dependencies: ["RigorBasics", "RigorSpec", "RigorResults", "RigorSupervisor", yams]),
        .target(name: "RigorCloud", dependencies: ["RigorBasics", "RigorSpec", yams]),
        .target(name: "RigorReport", dependencies: ["RigorBasics", "RigorSpec", "RigorSupervisor"]),
        // The only module that imports AsyncHTTPClient / NIO (build time).
        .target(name: "RigorHTTP", dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(name: "RigorAgent", dependencies: [
            "RigorBasics", "RigorSpec", "RigorResults", "RigorSupervisor", "RigorProtocol", "RigorGuard", "RigorCloud", "RigorReport", "RigorHTTP"]),
        // Layer 3: the command line.
        .target(name: "RigorCommands", dependencies: [
            "RigorBasics", "RigorSpec", "RigorResults", "RigorSupervisor", "RigorProtocol", "RigorGuard", "RigorCloud", "RigorReport", "RigorAgent",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "rigor", dependencies: ["RigorCommands"]),

        .target(name: "RigorTestSupport", dependencies: ["RigorBasics"], path: "Tests/RigorTestSupport"),
        .testTarget(name: "RigorSpecTests", dependencies: ["RigorBasics", "RigorSpec", "RigorTestSupport"]),
        .testTarget(name: "RigorResultsTests", dependencies: ["RigorBasics", "RigorSpec", "RigorResults", "RigorTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RigorSupervisorTests", dependencies: [
            "RigorBasics", "RigorSpec", "RigorResults", "RigorSupervisor", "RigorProtocol", "RigorReport", "RigorTestSupport"],
            exclude: ["Scripts"]),
        .testTarget(name: "RigorGuardTests", dependencies: ["RigorBasics", "RigorSpec", "RigorResults", "RigorGuard", "RigorTestSupport"],
                    exclude: ["Support"]),
        .testTarget(name: "RigorCLITests", dependencies: ["RigorBasics", "RigorTestSupport"], exclude: ["Support"]),
        .testTarget(name: "RigorAgentTests", dependencies: ["RigorBasics", "RigorSpec", "RigorAgent", "RigorGuard", "RigorResults", "RigorHTTP", "RigorTestSupport"]),
        .testTarget(name: "RigorHTTPTests", dependencies: ["RigorHTTP"]),
        .testTarget(name: "RigorCloudTests", dependencies: ["RigorBasics", "RigorSpec", "RigorCloud", "RigorTestSupport"]),
        .testTarget(name: "RigorCorpusTests", dependencies: ["RigorBasics", "RigorSpec", "RigorResults", "RigorTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
