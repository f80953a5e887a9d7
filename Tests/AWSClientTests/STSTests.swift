import Foundation
import Testing
import TestSupport
@testable import AWSClient

/// STS operations and web identity credentials against moto.
@Suite struct STSTests {
    static let roleARN = "arn:aws:iam::123456789012:role/scheduler"

    @Test func callerIdentityNamesTheAccount() throws {
        let identity = try MotoFixture.client().sts.getCallerIdentity()

        #expect(identity.account == "123456789012")
        #expect(identity.arn.hasPrefix("arn:aws:"))
        #expect(!identity.userID.isEmpty)
    }

    @Test func assumeRoleWithWebIdentityReturnsSessionCredentials() throws {
        let credentials = try MotoFixture.client().sts.assumeRoleWithWebIdentity(
            roleARN: Self.roleARN, sessionName: "direct-session", webIdentityToken: "oidc-token-value", durationSeconds: 900)

        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(credentials.sessionToken?.isEmpty == false)
        #expect(credentials.expiration != nil)
    }

    @Test func webIdentityEnvironmentGivesCredentials() throws {
        let folder = try PackagePaths.temporaryDirectory("web-identity")
        let tokenFile = folder.appendingPathComponent("token").path
        try "oidc-token-from-file\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        var environment = MotoFixture.shared.clientEnvironment
        environment["AWS_ACCESS_KEY_ID"] = nil
        environment["AWS_SECRET_ACCESS_KEY"] = nil
        environment["HOME"] = folder.path
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
        environment["AWS_ROLE_ARN"] = Self.roleARN
        environment["AWS_ROLE_SESSION_NAME"] = "scheduler-session"
        let client = try AWSClient(environment: environment)

        let credentials = try client.credentialProvider.credentials()
        let identity = try client.sts.getCallerIdentity()

        #expect(client.credentialProvider.name == "web identity")
        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(credentials.sessionToken?.isEmpty == false)
        #expect(credentials.expiration.map { $0 > Date() } == true)
        #expect(identity.arn.contains("scheduler-session"))
    }

    @Test func missingTokenFileIsReported() throws {
        let client = try MotoFixture.client([
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
            "AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token", "AWS_ROLE_ARN": Self.roleARN,
        ])

        let error = #expect(throws: AWSError.self) { try client.sts.getCallerIdentity() }

        #expect(error?.kind == .credentials)
        #expect(error?.message.contains("/nonexistent/token") == true)
    }

    @Test func tokenFileWithoutRoleIsRejected() throws {
        let error = #expect(throws: AWSError.self) {
            try MotoFixture.client(["AWS_ACCESS_KEY_ID": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/token"])
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("AWS_ROLE_ARN") == true)
    }
}
