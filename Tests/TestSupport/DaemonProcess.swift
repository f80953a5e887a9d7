import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `ecs-scheduler` binary running on a free loopback port, with a temporary
/// environment that holds only what the test gives it (plus PATH and HOME).
public final class DaemonProcess: @unchecked Sendable {
    public let port: Int
    public let process = Process()
    public let errorFile: URL
    public let folder: URL

    /// Starts the daemon and waits until its port accepts connections.
    public init(environment extra: [String: String] = [:]) throws {
        folder = try PackagePaths.temporaryDirectory("daemon")
        port = freeLoopbackPort()
        errorFile = folder.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = PackagePaths.executable
        process.environment = DaemonProcess.baseEnvironment.merging([
            "ECSS_ECS_CLUSTER": "e2e-cluster", "ECSS_HOST": "127.0.0.1", "ECSS_PORT": String(port),
        ]) { $1 }.merging(extra) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try withDefaultSignalMask { try process.run() }
        guard waitForLoopbackPort(port, timeout: 20) else {
            process.terminate()
            throw TestSupportError("ecs-scheduler did not listen on port \(port) within 20 s: \(standardError)")
        }
    }

    public static var baseEnvironment: [String: String] {
        let current = ProcessInfo.processInfo.environment
        // AWS settings that keep every AWS call on loopback: port 9 (discard) refuses at once,
        // so a test that needs AWS passes its own emulator's endpoint instead.
        return [
            "PATH": current["PATH"] ?? "/usr/bin:/bin", "HOME": current["HOME"] ?? "/tmp",
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_EC2_METADATA_DISABLED": "true",
        ]
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public var standardError: String {
        (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    }

    /// Sends `signal` and waits for the exit; returns the status and the seconds it took.
    public func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 15) -> (status: Int32?, seconds: TimeInterval) {
        let start = Date()
        guard process.isRunning else { return (process.terminationStatus, 0) }
        kill(process.processIdentifier, signal)
        while process.isRunning, Date().timeIntervalSince(start) < timeout { usleep(20_000) }
        let seconds = Date().timeIntervalSince(start)
        guard !process.isRunning else {
            process.terminate()
            return (nil, seconds)
        }
        return (process.terminationStatus, seconds)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Sends a request and returns the status, the headers and the body as text.
    public func send(_ method: String, _ path: String, body: Data? = nil, contentType: String? = "application/json",
              headers: [String: String] = [:]) throws -> (status: Int, headers: [String: String], body: String) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try exchange(request)
    }

    public func send(_ method: String, _ path: String, json: String) throws -> (status: Int, headers: [String: String], body: String) {
        try send(method, path, body: Data(json.utf8))
    }
}

/// Sends `request` with URLSession and waits for the complete response.
public func exchange(_ request: URLRequest, timeout: TimeInterval = 30) throws
    -> (status: Int, headers: [String: String], body: String)
{
    let (response, data) = try sendAndWait(request, timeout: timeout)
    var headers: [String: String] = [:]
    for (name, value) in response?.allHeaderFields ?? [:] {
        headers[String(describing: name).lowercased()] = String(describing: value)
    }
    return (response?.statusCode ?? 0, headers, String(decoding: data, as: UTF8.self))
}

/// Runs the binary with `arguments` and `environment` and returns its exit status and output.
public func runBinary(arguments: [String] = [], environment: [String: String]) throws
    -> (status: Int32, standardOutput: String, standardError: String)
{
    let process = Process()
    process.executableURL = PackagePaths.executable
    process.arguments = arguments
    process.environment = DaemonProcess.baseEnvironment.merging(environment) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try withDefaultSignalMask { try process.run() }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self))
}
