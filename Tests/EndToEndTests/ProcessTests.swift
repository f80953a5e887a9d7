import Foundation
import TestSupport
import Testing

/// Start-up, configuration errors and shutdown of the built binary.
@Suite struct ProcessTests {
    @Test func commandsAndOptions() throws {
        let version = try runBinary(arguments: ["--version"], environment: [:])
        #expect(version.status == 0)
        #expect(version.standardOutput == "ecs-scheduler 0.1.0\n")
        let help = try runBinary(arguments: ["--help"], environment: [:])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("ECSS_ECS_CLUSTER"))
        let nextRuns = try runBinary(
            arguments: ["next-runs", "0 */15", "--count", "2", "--after", "2026-01-01T00:00:00Z"], environment: [:])
        #expect(nextRuns.status == 0)
        #expect(nextRuns.standardOutput == "2026-01-01T00:15:00Z\n2026-01-01T00:30:00Z\n")
        let unknown = try runBinary(arguments: ["--frobnicate"], environment: [:])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("--frobnicate"))
    }

    @Test func startupErrorsExitWithStatus2() throws {
        let folder = try PackagePaths.temporaryDirectory("startup")
        defer { try? FileManager.default.removeItem(at: folder) }
        let badYAML = folder.appendingPathComponent("bad.yaml")
        try "sqlite:\n  file: [a\n".write(to: badYAML, atomically: true, encoding: .utf8)

        let cases: [([String: String], String)] = [
            ([:], "ECSS_ECS_CLUSTER"),
            (["ECSS_ECS_CLUSTER": "c", "ECSS_LOG_FOLDER": "/tmp/{NO_SUCH_VARIABLE_E2E}"], "{NO_SUCH_VARIABLE_E2E}"),
            (["ECSS_ECS_CLUSTER": "c", "ECSS_SQLITE_FILE": "/tmp/a.db", "ECSS_S3_BUCKET": "bucket"], "more than one job store"),
            (["ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": badYAML.path], "line 3, column"),
            (["ECSS_ECS_CLUSTER": "c", "ECSS_CONFIG_FILE": folder.appendingPathComponent("none.yaml").path], "cannot read"),
            (["ECSS_ECS_CLUSTER": "c", "ECSS_LOG_LEVEL": "CHATTY"], "ECSS_LOG_LEVEL"),
            (["ECSS_ECS_CLUSTER": "c", "ECSS_PORT": "eighty"], "ECSS_PORT"),
        ]
        for (environment, expected) in cases {
            let result = try runBinary(environment: environment)
            #expect(result.status == 2, "\(environment): \(result.standardError)")
            let lines = result.standardError.split(separator: "\n")
            #expect(lines.count == 1, "\(result.standardError)")
            #expect(result.standardError.contains(expected), "\(result.standardError)")
        }
    }

    @Test func configFileCanSelectMemoryStore() throws {
        let folder = try PackagePaths.temporaryDirectory("memory-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ecss.yaml")
        try "memory:\n".write(to: file, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(environment: ["ECSS_CONFIG_FILE": file.path])
        #expect(try daemon.send("GET", "/jobs").status == 200)
        #expect(daemon.stop().status == 0)
        #expect(daemon.standardError.contains("memory store selected; jobs are lost at exit"))
    }

    @Test func busyPortExitsWithStatus1() throws {
        let daemon = try DaemonProcess()
        let second = try runBinary(environment: ["ECSS_ECS_CLUSTER": "c", "ECSS_PORT": String(daemon.port)])
        #expect(second.status == 1)
        #expect(second.standardError.contains("ECSS_PORT"))
        #expect(daemon.stop().status == 0)
    }

    @Test func sigtermAndSigintExitZeroQuickly() throws {
        for signal in [SIGTERM, SIGINT] {
            let daemon = try DaemonProcess()
            _ = try daemon.send("GET", "/jobs")
            let result = daemon.stop(signal: signal)
            #expect(result.status == 0, "signal \(signal)")
            #expect(result.seconds < 10, "signal \(signal)")
        }
    }

    @Test func logFolderGetsAppLog() throws {
        let folder = try PackagePaths.temporaryDirectory("logs")
        defer { try? FileManager.default.removeItem(at: folder) }
        let daemon = try DaemonProcess(environment: [
            "ECSS_LOG_FOLDER": folder.path + "/{LOG_SUBFOLDER}", "LOG_SUBFOLDER": "nested", "ECSS_LOG_LEVEL": "INFO",
        ])
        _ = try daemon.send("POST", "/jobs", json: #"{"taskDefinition": "logged-task", "schedule": "0"}"#)
        #expect(daemon.stop().status == 0)
        let log = try String(contentsOf: folder.appendingPathComponent("nested/app.log"), encoding: .utf8)
        #expect(log.contains("WARNING:daemon:"))
        #expect(log.contains("jobs live in memory"))
        #expect(log.contains("INFO:webapi:"))
        #expect(log.contains("job created job.id=logged-task"))
        #expect(log.contains("INFO:daemon:") && log.contains("ecs-scheduler stopped"))
    }
}
