import AWSClient
import Foundation
import TestSupport

/// One moto server shared by the suites that test operations; each test creates its own
/// resources with unique names, so tests may run in parallel. The server stops at exit.
enum MotoFixture {
    static let shared: MotoServer = {
        do {
            let server = try withDefaultSignalMask { try MotoServer() }
            atexit { MotoFixture.shared.stop() }
            return server
        } catch {
            fatalError("starting moto failed: \(error)")
        }
    }()

    /// Creates a client for the shared server. `HOME` points at an empty folder, so that
    /// no shared file of the machine's user is read.
    static func client(_ extra: [String: String] = [:], options: AWSClientOptions = AWSClientOptions()) throws -> AWSClient {
        var environment = shared.clientEnvironment
        environment["HOME"] = emptyHome
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        for (key, value) in extra { environment[key] = value }
        return try AWSClient(environment: environment, options: options)
    }

    static let emptyHome: String = {
        (try? PackagePaths.temporaryDirectory("aws-home").path) ?? "/nonexistent"
    }()

    /// Makes a name unique to this run, for buckets, tables, queues and clusters.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
