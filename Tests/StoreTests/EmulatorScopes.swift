import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// The emulators a suite runs against, started once around the suite by its trait and
/// stopped when the suite ends.
enum Emulators {
    @TaskLocal static var moto: MotoServer?
    @TaskLocal static var elasticsearch: ElasticsearchEmulator?
}

/// Starts moto's server around a suite: `@Suite(.motoServer)`.
struct MotoServerTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try MotoServer()
        defer { server.stop() }
        try await Emulators.$moto.withValue(server) { try await function() }
    }
}

/// Starts the Elasticsearch emulator around a suite: `@Suite(.elasticsearchEmulator)`.
struct ElasticsearchEmulatorTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let emulator = try ElasticsearchEmulator()
        defer { emulator.stop() }
        try await Emulators.$elasticsearch.withValue(emulator) { try await function() }
    }
}

extension Trait where Self == MotoServerTrait {
    static var motoServer: MotoServerTrait { MotoServerTrait() }
}

extension Trait where Self == ElasticsearchEmulatorTrait {
    static var elasticsearchEmulator: ElasticsearchEmulatorTrait { ElasticsearchEmulatorTrait() }
}

/// The Elasticsearch emulator (Tests/Emulators/elasticsearch_emulator.py) on a free loopback
/// port, with a log of the requests it served.
final class ElasticsearchEmulator: @unchecked Sendable {
    // Unchecked: every property is set once in init.
    let port: Int
    let url: String
    let requestLog: URL
    private let process: Process

    /// Starts the emulator; `arguments` adds options such as `--basic-auth user:secret`.
    init(arguments: [String] = []) throws {
        let script = PackagePaths.root.appendingPathComponent("Tests/Emulators/elasticsearch_emulator.py")
        port = freeLoopbackPort()
        url = "http://127.0.0.1:\(port)"
        requestLog = try PackagePaths.temporaryDirectory("es-emulator").appendingPathComponent("requests.log")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, "--port", String(port), "--request-log", requestLog.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        try withDefaultSignalMask { try process.run() }
        guard waitForLoopbackPort(port, timeout: 20) else {
            process.terminate()
            throw TestSupportError("the Elasticsearch emulator did not listen on port \(port) within 20 s")
        }
    }

    /// The "METHOD path" lines of every request served so far.
    var requests: [String] {
        ((try? String(contentsOf: requestLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Sends a request straight to the emulator, as another daemon or an operator would.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: Any? = nil, headers: [String: String] = [:]) throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        for (name, value) in headers { request.addValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.addValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (status, data) = try blockingSend(request)
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// Sends AWS requests straight to moto, unsigned, standing in for another daemon or the
/// AWS console.
struct MotoClient {
    let endpoint: String

    @discardableResult
    func call(_ service: String, _ method: String, _ path: String, query: String? = nil,
              headers: [String: String] = [:], body: Data = Data()) throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: endpoint + path + (query.map { "?\($0)" } ?? ""))!)
        request.httpMethod = method
        request.addValue("AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/\(service)/aws4_request, "
                         + "SignedHeaders=host, Signature=0", forHTTPHeaderField: "Authorization")
        for (name, value) in headers { request.addValue(value, forHTTPHeaderField: name) }
        if !body.isEmpty { request.httpBody = body }
        return try blockingSend(request)
    }

    /// Calls a DynamoDB operation and returns its JSON response.
    func dynamoDB(_ operation: String, _ body: [String: Any]) throws -> (Int, [String: Any]) {
        let (status, data) = try call("dynamodb", "POST", "/", headers: [
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.\(operation)",
        ], body: try JSONSerialization.data(withJSONObject: body))
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }
}
