import Foundation
import Synchronization
import Testing
import TestSupport
@testable import AWSClient

/// The ECS container credentials provider against a stub endpoint on loopback.
@Suite struct ContainerCredentialsTests {
    /// 2030-01-01T00:00:00Z; the stub's credentials expire relative to it.
    static let start = Date(timeIntervalSince1970: 1_893_456_000)

    /// Starts a stub that hands out `AKIDCONTAINER<n>` for the n-th request, expiring at
    /// `expirations[n-1]` (the last one repeats), when the Authorization header is `token`.
    static func endpoint(token: String?, expirations: [Date], failing: SharedFlag = SharedFlag()) throws -> StubHTTPServer {
        let count = Mutex(0)
        return try StubHTTPServer { request in
            guard request.path == "/credentials" else { return .text(404, "no such path") }
            guard token == nil || request.headers["authorization"] == token else { return .text(401, "bad token") }
            if failing.isOn { return .text(500, "agent unavailable") }
            let number = count.withLock { value -> Int in
                value += 1
                return value
            }
            let expiration = ISO8601.format(expirations[min(number, expirations.count) - 1])
            let body = #"{"AccessKeyId":"AKIDCONTAINER\#(number)","SecretAccessKey":"secret-\#(number)","Token":"token-\#(number)","Expiration":"\#(expiration)","RoleArn":"arn:aws:iam::123456789012:role/task"}"#
            return .respond(status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
        }
    }

    @Test func credentialsAreFetchedWithTokenAndCached() throws {
        let server = try Self.endpoint(token: "Bearer abc", expirations: [Self.start.addingTimeInterval(3600)])
        defer { server.stop() }
        let clock = TestClock(Self.start)
        let provider = try ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.endpoint + "/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc",
        ], now: { clock.now })

        let first = try provider.credentials()
        clock.set(Self.start.addingTimeInterval(1800))
        let second = try provider.credentials()

        #expect(first.accessKeyID == "AKIDCONTAINER1")
        #expect(first.secretAccessKey == "secret-1")
        #expect(first.sessionToken == "token-1")
        #expect(first.expiration == Self.start.addingTimeInterval(3600))
        #expect(second.accessKeyID == "AKIDCONTAINER1")
        #expect(server.requests.count == 1)
    }

    @Test func tokenFileIsReadAtEachFetch() throws {
        let folder = try PackagePaths.temporaryDirectory("container-token")
        let tokenFile = folder.appendingPathComponent("token").path
        try "first-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let server = try StubHTTPServer { request in
            let token = request.headers["authorization"] ?? "none"
            let body = #"{"AccessKeyId":"AKID-\#(token)","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T00:10:00Z"}"#
            return .respond(status: 200, body: Data(body.utf8))
        }
        defer { server.stop() }
        let clock = TestClock(Self.start)
        let provider = try ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.endpoint + "/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-token",
        ], now: { clock.now })

        let first = try provider.credentials()
        try "second-token".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        clock.set(Self.start.addingTimeInterval(560))
        let second = try provider.credentials()

        #expect(first.accessKeyID == "AKID-first-token")
        #expect(second.accessKeyID == "AKID-second-token")
    }

    @Test func credentialsAreRefreshedBeforeExpiry() throws {
        let expiry1 = Self.start.addingTimeInterval(3600)
        let expiry2 = Self.start.addingTimeInterval(7200)
        let expiry3 = Self.start.addingTimeInterval(10_800)
        let server = try Self.endpoint(token: nil, expirations: [expiry1, expiry2, expiry3])
        defer { server.stop() }
        let clock = TestClock(Self.start)
        let provider = try ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.endpoint + "/credentials",
        ], now: { clock.now })

        #expect(try provider.credentials().accessKeyID == "AKIDCONTAINER1")

        // Four minutes before expiry: the old credentials come back at once, and a fetch
        // runs in the background.
        clock.set(expiry1.addingTimeInterval(-240))
        #expect(try provider.credentials().accessKeyID == "AKIDCONTAINER1")
        #expect(try eventually { try provider.credentials().accessKeyID == "AKIDCONTAINER2" })
        #expect(server.requests.count == 2)

        // Thirty seconds before expiry: callers wait for new credentials.
        clock.set(expiry2.addingTimeInterval(-30))
        #expect(try provider.credentials().accessKeyID == "AKIDCONTAINER3")
        #expect(server.requests.count == 3)
    }

    @Test func failedRefreshKeepsValidCredentials() throws {
        let expiry = Self.start.addingTimeInterval(3600)
        let failing = SharedFlag()
        let server = try Self.endpoint(token: nil, expirations: [expiry], failing: failing)
        defer { server.stop() }
        let clock = TestClock(Self.start)
        let provider = try ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.endpoint + "/credentials",
        ], now: { clock.now })
        _ = try provider.credentials()
        failing.set(true)

        clock.set(expiry.addingTimeInterval(-30))
        let stillValid = try provider.credentials()
        clock.set(expiry.addingTimeInterval(1))
        let error = #expect(throws: AWSError.self) { try provider.credentials() }

        #expect(stillValid.accessKeyID == "AKIDCONTAINER1")
        #expect(error?.kind == .credentials)
        #expect(error?.status == 500)
        #expect(error?.message.contains("agent unavailable") == true)
    }

    @Test func clientSignsWithContainerCredentials() throws {
        let credentials = try Self.endpoint(token: nil, expirations: [Date().addingTimeInterval(3600)])
        defer { credentials.stop() }
        let service = try StubHTTPServer { _ in .json(200, "{}") }
        defer { service.stop() }
        let client = try AWSClient(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": credentials.endpoint + "/credentials",
            "AWS_ENDPOINT_URL": service.endpoint, "AWS_REGION": "us-east-1", "HOME": "/nonexistent",
        ])

        _ = try client.jsonCall(service: "ecs", targetPrefix: "AmazonEC2ContainerServiceV20141113", operation: "ListClusters",
                                version: "1.1", body: [:])

        #expect(client.credentialProvider.name == "container")
        let request = try #require(service.requests.first)
        #expect(request.headers["authorization"]?.contains("Credential=AKIDCONTAINER1/") == true)
        #expect(request.headers["x-amz-security-token"] == "token-1")
    }

    @Test(arguments: ["http://10.0.0.5/credentials", "http://example.com/credentials", "not a url"])
    func remotePlainHTTPIsRejected(uri: String) {
        let error = #expect(throws: AWSError.self) {
            try ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri])
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains(uri) == true)
    }

    @Test func relativeURIUsesTheECSAgent() throws {
        let provider = try ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/ignored",
        ])
        #expect(provider.url == "http://169.254.170.2/v2/credentials/abc")
    }
}
