import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A moto server (the AWS API emulator) on a free loopback port, started from the test
/// virtualenv and stopped when the value is released or `stop()` is called.
///
/// Point clients at `endpoint` with `AWS_ENDPOINT_URL`; any region and key pair work.
public final class MotoServer: @unchecked Sendable {
    public let port: Int
    public let endpoint: String
    private let process: Process

    /// Starts moto and waits until it accepts connections.
    /// - Parameter environment: extra variables for moto, such as
    ///   `INITIAL_NO_AUTH_ACTION_COUNT` to switch signature checking on.
    public init(environment: [String: String] = [:]) throws {
        let binary = PackagePaths.venvBin.appendingPathComponent("moto_server")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw TestSupportError("moto_server not found at \(binary.path); run `scripts/setup.sh venv` first")
        }
        port = freeLoopbackPort()
        endpoint = "http://127.0.0.1:\(port)"
        process = Process()
        process.executableURL = binary
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // Started with no signals blocked, so that terminate() can stop it.
        try withDefaultSignalMask { try process.run() }
        guard waitForLoopbackPort(port, timeout: 30) else {
            process.terminate()
            throw TestSupportError("moto_server did not listen on port \(port) within 30 s")
        }
    }

    /// The environment a client needs to reach this server: endpoint, region and dummy keys.
    public var clientEnvironment: [String: String] {
        [
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        ]
    }

    /// Clears all emulated state (`POST /moto-api/reset`).
    public func reset() throws {
        var request = URLRequest(url: URL(string: "\(endpoint)/moto-api/reset")!)
        request.httpMethod = "POST"
        _ = try blockingSend(request)
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A failure in test set-up, with a message saying what to do.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
