import Foundation
import Synchronization
import Testing
@testable import AWSClient

/// The EC2 instance metadata provider against a stub metadata service on loopback,
/// selected with AWS_EC2_METADATA_SERVICE_ENDPOINT.
@Suite struct InstanceMetadataTests {
    static let start = Date(timeIntervalSince1970: 1_893_456_000)

    @Test func credentialsComeFromTheAttachedRole() throws {
        let service = try MetadataService(expirations: [Self.start.addingTimeInterval(6 * 3600)])
        defer { service.server.stop() }
        let provider = try InstanceMetadataCredentialProvider(environment: service.environment(), now: { Self.start })

        let credentials = try provider.credentials()

        #expect(credentials.accessKeyID == "AKIDIMDS1")
        #expect(credentials.sessionToken == "imds-token-1")
        #expect(credentials.expiration == Self.start.addingTimeInterval(6 * 3600))
        #expect(provider.endpoint == service.server.endpoint)
        #expect(service.server.requests.map(\.method) == ["PUT", "GET", "GET"])
    }

    @Test func refreshReusesTheSessionToken() throws {
        let expiry1 = Self.start.addingTimeInterval(3600)
        let expiry2 = Self.start.addingTimeInterval(7200)
        let service = try MetadataService(expirations: [expiry1, expiry2, expiry2.addingTimeInterval(3600)])
        defer { service.server.stop() }
        let clock = TestClock(Self.start)
        let provider = try InstanceMetadataCredentialProvider(environment: service.environment(), now: { clock.now })

        #expect(try provider.credentials().accessKeyID == "AKIDIMDS1")
        clock.set(expiry1.addingTimeInterval(-120))
        #expect(try provider.credentials().accessKeyID == "AKIDIMDS1")
        #expect(try eventually { try provider.credentials().accessKeyID == "AKIDIMDS2" })
        clock.set(expiry2.addingTimeInterval(-10))
        #expect(try provider.credentials().accessKeyID == "AKIDIMDS3")

        #expect(service.credentialsIssued == 3)
        #expect(service.tokensIssued == 1)
    }

    @Test func rejectedTokenIsReplaced() throws {
        let service = try MetadataService(expirations: [Self.start.addingTimeInterval(30)])
        defer { service.server.stop() }
        let clock = TestClock(Self.start)
        let provider = try InstanceMetadataCredentialProvider(environment: service.environment(), now: { clock.now })
        _ = try provider.credentials()
        service.revoke("token-1")

        clock.set(Self.start.addingTimeInterval(5))
        let credentials = try provider.credentials()

        #expect(credentials.accessKeyID == "AKIDIMDS2")
        #expect(service.tokensIssued == 2)
    }

    @Test func serviceWithoutTokensFallsBackToV1() throws {
        let service = try MetadataService(expirations: [Self.start.addingTimeInterval(3600)], supportsTokens: false)
        defer { service.server.stop() }

        let fallback = try InstanceMetadataCredentialProvider(environment: service.environment(), now: { Self.start })
        let strict = try InstanceMetadataCredentialProvider(environment: service.environment(["AWS_EC2_METADATA_V1_DISABLED": "true"]),
                                                            now: { Self.start })

        #expect(try fallback.credentials().accessKeyID == "AKIDIMDS1")
        let error = #expect(throws: AWSError.self) { try strict.credentials() }
        #expect(error?.kind == .credentials)
        #expect(error?.status == 404)
    }

    @Test func instanceWithoutRoleIsReported() throws {
        let service = try MetadataService(expirations: [Self.start], role: "")
        defer { service.server.stop() }
        let provider = try InstanceMetadataCredentialProvider(environment: service.environment(), now: { Self.start })

        let error = #expect(throws: AWSError.self) { try provider.credentials() }

        #expect(error?.kind == .credentials)
        #expect(error?.message.contains("instance profile") == true)
    }

    @Test func unreachableServiceFailsWithinTimeout() throws {
        let provider = try InstanceMetadataCredentialProvider(environment: [
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(closedPort())",
        ])

        let error = #expect(throws: AWSError.self) { try provider.credentials() }

        #expect(error?.kind == .credentials)
        #expect(error?.message.contains("did not respond") == true)
    }

    @Test func clientFallsBackToInstanceMetadata() throws {
        let metadata = try MetadataService(expirations: [Date().addingTimeInterval(6 * 3600)])
        defer { metadata.server.stop() }
        let service = try StubHTTPServer { _ in .json(200, "{}") }
        defer { service.stop() }
        let client = try AWSClient(environment: metadata.environment([
            "AWS_ENDPOINT_URL": service.endpoint, "AWS_REGION": "eu-west-1", "HOME": "/nonexistent",
        ]))

        _ = try client.sqs.call("ListQueues", [:])

        #expect(client.credentialProvider.name == "instance metadata")
        #expect(service.requests.first?.headers["authorization"]?.contains("Credential=AKIDIMDS1/") == true)
        #expect(service.requests.first?.headers["x-amz-security-token"] == "imds-token-1")
    }

    @Test(arguments: [
        ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "169.254.169.254"],
        ["AWS_METADATA_SERVICE_TIMEOUT": "0"],
        ["AWS_METADATA_SERVICE_NUM_ATTEMPTS": "none"],
    ])
    func invalidSettingsAreRejected(environment: [String: String]) {
        let error = #expect(throws: AWSError.self) { try InstanceMetadataCredentialProvider(environment: environment) }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains(environment.values.first!) == true)
    }
}

/// A stub metadata service: IMDSv2 tokens `token-<n>`, the role `scheduler-role`, and
/// credentials `AKIDIMDS<n>` for the n-th credentials request, expiring at
/// `expirations[n-1]` (the last one repeats).
final class MetadataService: Sendable {
    let server: StubHTTPServer
    private let counters: Counters

    private final class Counters: Sendable {
        let issued = Mutex((tokens: 0, credentials: 0))
        /// Tokens that the service no longer accepts.
        let revoked = Mutex<Set<String>>([])
    }

    init(expirations: [Date], supportsTokens: Bool = true, role: String = "scheduler-role") throws {
        let counters = Counters()
        self.counters = counters
        server = try StubHTTPServer { request in
            if request.method == "PUT" && request.path == "/latest/api/token" {
                guard supportsTokens else { return .text(404, "not found") }
                guard request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600" else { return .text(400, "missing TTL") }
                let number = counters.issued.withLock { $0.tokens += 1; return $0.tokens }
                return .text(200, "token-\(number)")
            }
            if supportsTokens {
                guard let token = request.headers["x-aws-ec2-metadata-token"], token.hasPrefix("token-"),
                      !counters.revoked.withLock({ $0.contains(token) }) else { return .text(401, "unauthorized") }
            }
            switch request.path {
            case "/latest/meta-data/iam/security-credentials/":
                return role.isEmpty ? .text(404, "not found") : .text(200, role + "\n")
            case "/latest/meta-data/iam/security-credentials/\(role)":
                let number = counters.issued.withLock { $0.credentials += 1; return $0.credentials }
                let expiration = ISO8601.format(expirations[min(number, expirations.count) - 1])
                let body = #"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"AKIDIMDS\#(number)","SecretAccessKey":"secret","Token":"imds-token-\#(number)","Expiration":"\#(expiration)"}"#
                return .respond(status: 200, body: Data(body.utf8))
            default:
                return .text(404, "not found")
            }
        }
    }

    var tokensIssued: Int { counters.issued.withLock { $0.tokens } }
    var credentialsIssued: Int { counters.issued.withLock { $0.credentials } }

    func revoke(_ token: String) {
        counters.revoked.withLock { _ = $0.insert(token) }
    }

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.endpoint + "/"]
        for (key, value) in extra { environment[key] = value }
        return environment
    }
}
