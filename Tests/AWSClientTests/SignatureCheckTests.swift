import Foundation
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import AWSClient

/// Every service against a moto server that verifies SigV4 signatures: after its first
/// `setupRequestCount` requests, moto checks each signature against the IAM access keys
/// it has created, so a wrong signature gets 403.
@Suite(.serialized) struct SignatureCheckTests {
    /// The requests that `Setup` sends before moto starts checking: five IAM calls and one
    /// AssumeRoleWithWebIdentity (which moto checks too, though AWS does not sign it).
    static let setupRequestCount = 6

    /// The server, an IAM user's access key, and session credentials of an assumed role.
    struct Setup: @unchecked Sendable {
        let server: MotoServer
        let userKey: AWSCredentials
        let sessionCredentials: AWSCredentials
        let webIdentityClient: AWSClient
    }

    static let allowEverything = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#

    static let setup: Setup = {
        do {
            let server = try withDefaultSignalMask {
                try MotoServer(environment: ["INITIAL_NO_AUTH_ACTION_COUNT": String(setupRequestCount)])
            }
            atexit { SignatureCheckTests.setup.server.stop() }
            let home = try PackagePaths.temporaryDirectory("aws-home").path
            let admin = try AWSClient(environment: server.clientEnvironment.merging(["HOME": home]) { $1 })
            let iamVersion = "2010-05-08"

            _ = try admin.queryCall(service: "iam", operation: "CreateUser", version: iamVersion, parameters: ["UserName": "scheduler"])
            _ = try admin.queryCall(service: "iam", operation: "PutUserPolicy", version: iamVersion, parameters: [
                "UserName": "scheduler", "PolicyName": "everything", "PolicyDocument": allowEverything,
            ])
            let key = try admin.queryCall(service: "iam", operation: "CreateAccessKey", version: iamVersion,
                                          parameters: ["UserName": "scheduler"]).child("AccessKey")
            _ = try admin.queryCall(service: "iam", operation: "CreateRole", version: iamVersion, parameters: [
                "RoleName": "web", "AssumeRolePolicyDocument": #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"oidc"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#,
            ])
            _ = try admin.queryCall(service: "iam", operation: "PutRolePolicy", version: iamVersion, parameters: [
                "RoleName": "web", "PolicyName": "everything", "PolicyDocument": allowEverything,
            ])

            let tokenFile = URL(fileURLWithPath: home).appendingPathComponent("token").path
            try "oidc-token-value".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let webIdentityClient = try AWSClient(environment: [
                "AWS_ENDPOINT_URL": server.endpoint, "AWS_REGION": "us-east-1", "HOME": home,
                "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web",
                "AWS_ROLE_SESSION_NAME": "signed-session",
            ])
            let sessionCredentials = try webIdentityClient.credentialProvider.credentials()

            let userKey = AWSCredentials(accessKeyID: try #require(key?.text(of: "AccessKeyId")),
                                         secretAccessKey: try #require(key?.text(of: "SecretAccessKey")))
            return Setup(server: server, userKey: userKey, sessionCredentials: sessionCredentials,
                         webIdentityClient: webIdentityClient)
        } catch {
            fatalError("setting up moto with signature checks failed: \(error)")
        }
    }()

    static func client(_ credentials: AWSCredentials) throws -> AWSClient {
        var options = AWSClientOptions()
        options.credentialProvider = StaticCredentialProvider(credentials)
        return try AWSClient(environment: [
            "AWS_ENDPOINT_URL": setup.server.endpoint, "AWS_REGION": "us-east-1", "HOME": "/nonexistent",
        ], options: options)
    }

    @Test func correctSignaturesAreAccepted() throws {
        let client = try Self.client(Self.setup.userKey)
        let bucket = MotoFixture.uniqueName("signed")
        let key = "jobs/with space+plus/ü.json"

        _ = try client.ecs.call("ListClusters", [:])
        let queue = try client.sqs.call("CreateQueue", ["QueueName": MotoFixture.uniqueName("signed")])["QueueUrl"] as? String
        _ = try client.sqs.getQueueAttributes(queueURL: try #require(queue))
        try client.s3.createBucket(bucket)
        try client.s3.putObject(bucket: bucket, key: key, body: Data("{}".utf8), ifNoneMatch: "*")
        let object = try client.s3.getObject(bucket: bucket, key: key)
        let listed = try client.s3.listObjectsV2(bucket: bucket, prefix: "jobs/with space+plus/")
        _ = try client.dynamodb.call("ListTables", [:])
        let identity = try client.sts.getCallerIdentity()

        #expect(object.body == Data("{}".utf8))
        #expect(listed.map(\.key) == [key])
        #expect(identity.arn == "arn:aws:iam::123456789012:user/scheduler")
    }

    @Test func wrongSecretIsRejectedWithoutRetries() throws {
        var wrong = Self.setup.userKey
        wrong.secretAccessKey = "not-the-secret"
        let client = try Self.client(wrong)
        let calls: [(String, () throws -> Void)] = [
            ("ecs", { _ = try client.ecs.call("ListClusters", [:]) }),
            ("sqs", { _ = try client.sqs.call("ListQueues", [:]) }),
            ("s3", { _ = try client.s3.listObjectsV2(bucket: "any-bucket") }),
            ("dynamodb", { _ = try client.dynamodb.call("ListTables", [:]) }),
            ("sts", { _ = try client.sts.getCallerIdentity() }),
        ]

        for (service, call) in calls {
            let error = #expect(throws: AWSError.self, "\(service) accepted a wrong signature") { try call() }
            #expect(error?.status == 403, "\(service)")
            #expect(error?.isRetryable == false, "\(service)")
        }
    }

    @Test func sessionCredentialsAreAccepted() throws {
        let identity = try Self.setup.webIdentityClient.sts.getCallerIdentity()
        _ = try Self.setup.webIdentityClient.ecs.call("ListClusters", [:])

        #expect(Self.setup.sessionCredentials.accessKeyID.hasPrefix("ASIA"))
        #expect(identity.arn == "arn:aws:sts::123456789012:assumed-role/web/signed-session")
    }

    @Test func wrongSessionTokenIsRejected() throws {
        var tampered = Self.setup.sessionCredentials
        tampered.sessionToken = "not-the-token"

        let error = #expect(throws: AWSError.self) { try Self.client(tampered).ecs.call("ListClusters", [:]) }

        #expect(error?.status == 403)
        #expect(error?.code == "InvalidClientTokenId")
    }
}
