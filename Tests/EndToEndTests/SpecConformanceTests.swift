import Foundation
import TestSupport
import Testing

/// The `/spec` document checked by the OpenAPI validator and by schemathesis fuzzing the
/// running daemon against it.
@Suite struct SpecConformanceTests {
    @Test func specPassesOpenAPIValidator() throws {
        let daemon = try DaemonProcess()
        let spec = try daemon.send("GET", "/spec")
        #expect(spec.status == 200)
        let file = daemon.folder.appendingPathComponent("spec.json")
        try spec.body.write(to: file, atomically: true, encoding: .utf8)
        let result = try runTool("openapi-spec-validator", [file.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(daemon.stop().status == 0)
    }

    /// Runs every schemathesis phase and check except `positive_data_acceptance`, because
    /// the schema cannot express the schedule syntax, the time zone names, the loaded trigger
    /// types or the rules across fields, so a body valid by the schema may still get 400.
    /// One worker keeps the stateful checks free of races between workers that create and
    /// delete the same job ids.
    @Test func schemathesisFindsNoFailures() throws {
        let daemon = try DaemonProcess()
        let result = try runTool("schemathesis", [
            "run", "\(daemon.baseURL)/spec", "--checks", "all", "--exclude-checks", "positive_data_acceptance",
            "--max-examples", "40", "--workers", "1", "--seed", "1", "--no-color",
        ])
        #expect(result.status == 0, "\(result.output.suffix(6_000))")
        // A warning, such as most generated bodies being rejected for their schedule text, is
        // not a failure. Schemathesis marks a failed check or phase with ❌.
        #expect(!result.output.contains("❌"), "\(result.output.suffix(2_000))")
        #expect(result.output.contains(" passed"), "\(result.output.suffix(2_000))")
        #expect(daemon.stop().status == 0)
        #expect(!daemon.standardError.contains("CRITICAL"))
    }

    private func runTool(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> (status: Int32, output: String)
    {
        let tool = PackagePaths.venvBin.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            throw TestSupportError("\(tool.path) not found; run scripts/setup.sh venv")
        }
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
