import AWSClient
import Foundation
import Logging
import PluginHost
import TestSupport

/// Builds plugin libraries for the tests with the system C compiler (`cc -shared -fPIC`).
enum PluginBuilder {
    static let includeFolder = PackagePaths.root.appendingPathComponent("Sources/PluginABI/include")
    static let fixtures = PackagePaths.root.appendingPathComponent("Tests/PluginHostTests/Fixtures")
    static let fileExistsExample = PackagePaths.root.appendingPathComponent("examples/file-trigger/file_exists_trigger.c")

    /// Compiles `source` into `folder/name`; `definitions` become `-D` options.
    @discardableResult
    static func build(_ source: URL, into folder: URL, name: String, definitions: [String] = []) throws -> URL {
        let output = folder.appendingPathComponent(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-shared", "-fPIC", "-Wall", "-I", includeFolder.path]
            + definitions.map { "-D\($0)" } + ["-o", output.path, source.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw TestSupportError("cc failed for \(source.lastPathComponent): \(message)")
        }
        return output
    }

    /// Builds the configurable test trigger of Fixtures/test_trigger.c.
    @discardableResult
    static func testTrigger(into folder: URL, name: String, definitions: [String] = []) throws -> URL {
        try build(fixtures.appendingPathComponent("test_trigger.c"), into: folder, name: name, definitions: definitions)
    }

    /// Builds the in-memory store of Fixtures/memory_store.c (store name "memory-test").
    @discardableResult
    static func memoryStore(into folder: URL, name: String = "memory-store.so") throws -> URL {
        try build(fixtures.appendingPathComponent("memory_store.c"), into: folder, name: name)
    }

    /// Builds the file-exists example trigger of examples/file-trigger.
    @discardableResult
    static func fileExists(into folder: URL, name: String = "file-exists.so") throws -> URL {
        try build(fileExistsExample, into: folder, name: name)
    }
}

/// Creates a plugin host over the one folder `folder`.
func makeHost(folder: URL, settings: [String: String] = [:],
              network: any HostNetworkServices = UnreachableNetwork()) -> PluginHost {
    PluginHost(searchPath: PluginSearchPath(folders: [.init(path: folder.path)]), settings: settings, network: network)
}

/// Network services that fail every request, for tests whose plugins make none.
struct UnreachableNetwork: HostNetworkServices {
    func sendAWS(_ request: AWSRequest) throws(AWSError) -> AWSResponse {
        throw AWSError(kind: .connection, service: request.service, operation: request.operation,
                       message: "no network in this test")
    }

    func sendHTTP(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        throw HTTPClientError(.connectionFailed, "no network in this test")
    }
}

/// The log lines written since the first call, for tests that check what was logged.
enum LogCapture {
    private static let started: Void = {
        try? LogSystem.shared.configure(level: .info, folder: nil)
        LogSystem.shared.startCapturing()
    }()

    /// Starts capturing once per process; lines written before are not kept.
    static func start() {
        _ = started
    }

    static func lines(containing text: String) -> [String] {
        LogSystem.shared.capturedLines().filter { $0.contains(text) }
    }
}
