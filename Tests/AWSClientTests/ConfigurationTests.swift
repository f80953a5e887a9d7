import Foundation
import Testing
import TestSupport
@testable import AWSClient

/// Credentials and settings from the environment and the shared files, written to a
/// temporary folder and selected with AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE.
@Suite struct ConfigurationTests {
    /// Writes the two files to a new folder and returns an environment that names them,
    /// with `HOME` in that folder and instance metadata switched off.
    static func environment(credentials: String = "", config: String = "",
                            _ extra: [String: String] = [:]) throws -> [String: String] {
        let folder = try PackagePaths.temporaryDirectory("aws-profiles")
        let credentialsPath = folder.appendingPathComponent("credentials").path
        let configPath = folder.appendingPathComponent("config").path
        try credentials.write(toFile: credentialsPath, atomically: true, encoding: .utf8)
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        var environment = [
            "HOME": folder.path, "AWS_SHARED_CREDENTIALS_FILE": credentialsPath, "AWS_CONFIG_FILE": configPath,
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    static let files = (
        credentials: """
            # Keys per profile
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = default-secret ; a trailing comment

            [dev]
            aws_access_key_id=AKIDDEVFROMCREDENTIALS
            aws_secret_access_key=dev-secret
            aws_session_token = dev-token
            """,
        config: """
            [default]
            region = eu-west-1
            max_attempts = 5
            s3 =
              addressing_style = path

            [profile dev]
            region = ap-southeast-2
            aws_access_key_id = AKIDDEVFROMCONFIG
            aws_secret_access_key = ignored-secret

            [profile config-only]
            aws_access_key_id = AKIDCONFIGONLY
            aws_secret_access_key = config-only-secret
            region = ca-central-1

            [profile web]
            role_arn = arn:aws:iam::123456789012:role/web
            web_identity_token_file = /nonexistent/token
            region = us-west-2

            [profile assumer]
            role_arn = arn:aws:iam::123456789012:role/other
            source_profile = default

            [profile process]
            credential_process = /usr/local/bin/get-credentials

            [sso-session corp]
            sso_region = us-east-1
            """
    )

    @Test func defaultProfileGivesKeysRegionAndAttempts() throws {
        let client = try AWSClient(environment: Self.environment(credentials: Self.files.credentials, config: Self.files.config))
        let credentials = try client.credentialProvider.credentials()

        #expect(client.profileName == "default")
        #expect(client.region == "eu-west-1")
        #expect(client.maxAttempts == 5)
        #expect(credentials.accessKeyID == "AKIDDEFAULT")
        #expect(credentials.secretAccessKey == "default-secret")
        #expect(credentials.sessionToken == nil)
        #expect(credentials.source == "profile default")
    }

    @Test func credentialsFileWinsOverConfigFile() throws {
        let client = try AWSClient(environment: Self.environment(credentials: Self.files.credentials, config: Self.files.config,
                                                                 ["AWS_PROFILE": "dev"]))
        let credentials = try client.credentialProvider.credentials()

        #expect(client.region == "ap-southeast-2")
        #expect(client.maxAttempts == 3)
        #expect(credentials.accessKeyID == "AKIDDEVFROMCREDENTIALS")
        #expect(credentials.sessionToken == "dev-token")
    }

    @Test func configFileAloneGivesKeys() throws {
        let client = try AWSClient(environment: Self.environment(credentials: Self.files.credentials, config: Self.files.config,
                                                                 ["AWS_PROFILE": "config-only"]))
        #expect(try client.credentialProvider.credentials().accessKeyID == "AKIDCONFIGONLY")
        #expect(client.region == "ca-central-1")
    }

    @Test func environmentWinsOverProfiles() throws {
        let client = try AWSClient(environment: Self.environment(credentials: Self.files.credentials, config: Self.files.config, [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token",
            "AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-1", "AWS_MAX_ATTEMPTS": "7",
        ]))
        let credentials = try client.credentialProvider.credentials()

        #expect(credentials.accessKeyID == "AKIDENV")
        #expect(credentials.sessionToken == "env-token")
        #expect(credentials.source == "environment")
        #expect(client.region == "us-east-2")
        #expect(client.maxAttempts == 7)
    }

    @Test func defaultRegionVariableWinsOverProfile() throws {
        let client = try AWSClient(environment: Self.environment(credentials: Self.files.credentials, config: Self.files.config,
                                                                 ["AWS_DEFAULT_REGION": "us-west-1"]))
        #expect(client.region == "us-west-1")
    }

    @Test func profileWithWebIdentityUsesIt() throws {
        let client = try AWSClient(environment: Self.environment(config: Self.files.config, ["AWS_PROFILE": "web"]))
        #expect(client.credentialProvider.name == "web identity")
        #expect(client.region == "us-west-2")
    }

    @Test func unknownProfileIsRejected() throws {
        let error = #expect(throws: AWSError.self) {
            try AWSClient(environment: Self.environment(credentials: Self.files.credentials, config: Self.files.config,
                                                        ["AWS_PROFILE": "prod"]))
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("\"prod\"") == true)
    }

    @Test func roleWithSourceProfileIsRejected() throws {
        let error = #expect(throws: AWSError.self) {
            try AWSClient(environment: Self.environment(credentials: Self.files.credentials, config: Self.files.config,
                                                        ["AWS_PROFILE": "assumer", "AWS_REGION": "us-east-1"]))
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("profile assumer") == true)
    }

    @Test func credentialProcessIsRejected() throws {
        let error = #expect(throws: AWSError.self) {
            try AWSClient(environment: Self.environment(credentials: Self.files.credentials, config: Self.files.config,
                                                        ["AWS_PROFILE": "process", "AWS_REGION": "us-east-1"]))
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("profile process uses credential_process") == true)
    }

    @Test func missingRegionIsRejected() throws {
        let error = #expect(throws: AWSError.self) {
            try AWSClient(environment: Self.environment(["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]))
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("AWS_REGION") == true)
    }

    @Test(arguments: ["us east 1", "US-EAST-1", "eu-west-1.evil.example"])
    func invalidRegionIsRejected(region: String) throws {
        let error = #expect(throws: AWSError.self) {
            try AWSClient(environment: Self.environment(["AWS_REGION": region]))
        }
        #expect(error?.message.contains(region) == true)
    }

    @Test(arguments: ["0", "-1", "three", "2.5"])
    func invalidMaxAttemptsIsRejected(value: String) throws {
        let error = #expect(throws: AWSError.self) {
            try AWSClient(environment: Self.environment(["AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": value]))
        }
        #expect(error?.message.contains("AWS_MAX_ATTEMPTS is \"\(value)\"") == true)
    }

    @Test func noCredentialsExplainWhatToSet() throws {
        let client = try AWSClient(environment: Self.environment(["AWS_REGION": "us-east-1"]))

        let error = #expect(throws: AWSError.self) {
            try client.send(AWSRequest(service: "sqs", operation: "ListQueues"))
        }

        #expect(error?.kind == .credentials)
        #expect(error?.message.contains("AWS_ACCESS_KEY_ID") == true)
    }

    @Test func profileFileParsing() {
        let parsed = ProfileFiles.parse("""
            [profile a]
            key = value # comment
            other=x#not-a-comment
            ; comment line
            nested =
              inner = skipped
            [profile  spaced ]
            k = v
            [not-a-profile]
            ignored = yes
            """, isConfigFile: true)

        #expect(parsed["a"] == ["key": "value", "other": "x#not-a-comment", "nested": ""])
        #expect(parsed["spaced"] == ["k": "v"])
        #expect(parsed["not-a-profile"] == nil)
    }
}

/// Endpoint selection from AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.
@Suite struct EndpointResolverTests {
    @Test func serviceVariableWinsOverGlobal() throws {
        let resolver = try EndpointResolver(environment: [
            "AWS_ENDPOINT_URL": "http://localhost:4566", "AWS_ENDPOINT_URL_SQS": "https://sqs.example:8443/base/",
        ])

        let sqs = resolver.endpoint(service: "sqs", region: "us-east-1")
        let ecs = resolver.endpoint(service: "ecs", region: "us-east-1")

        #expect(sqs.url(path: "/", query: nil) == "https://sqs.example:8443/base/")
        #expect(sqs.hostHeader == "sqs.example:8443")
        #expect(ecs.url(path: "/", query: "a=1") == "http://localhost:4566/?a=1")
        #expect(ecs.isCustom)
    }

    @Test func standardHostsPerRegion() throws {
        let resolver = try EndpointResolver(environment: [:])

        #expect(resolver.endpoint(service: "dynamodb", region: "eu-central-1").url(path: "/", query: nil)
                == "https://dynamodb.eu-central-1.amazonaws.com/")
        #expect(resolver.endpoint(service: "ecs", region: "cn-north-1").host == "ecs.cn-north-1.amazonaws.com.cn")
        #expect(resolver.endpoint(service: "iam", region: "eu-west-1").host == "iam.amazonaws.com")
        #expect(!resolver.endpoint(service: "sts", region: "us-east-1").isCustom)
    }

    @Test func ignoreVariableSkipsOverrides() throws {
        let resolver = try EndpointResolver(environment: [
            "AWS_ENDPOINT_URL": "http://localhost:4566", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        ])
        #expect(resolver.endpoint(service: "s3", region: "us-east-1").host == "s3.us-east-1.amazonaws.com")
    }

    @Test func s3UsesVirtualHostsOnAWSOnly() throws {
        let aws = try EndpointResolver(environment: [:]).endpoint(service: "s3", region: "eu-west-1")
        let custom = try EndpointResolver(environment: ["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"])
            .endpoint(service: "s3", region: "eu-west-1")

        let virtual = EndpointResolver.s3Addressing(endpoint: aws, path: "/my-bucket/jobs/a.json")
        let bucketOnly = EndpointResolver.s3Addressing(endpoint: aws, path: "/my-bucket")
        let dotted = EndpointResolver.s3Addressing(endpoint: aws, path: "/my.bucket/key")
        let pathStyle = EndpointResolver.s3Addressing(endpoint: custom, path: "/my-bucket/jobs/a.json")

        #expect(virtual.endpoint.host == "my-bucket.s3.eu-west-1.amazonaws.com")
        #expect(virtual.path == "/jobs/a.json")
        #expect(bucketOnly.path == "/")
        #expect(dotted.endpoint.host == "s3.eu-west-1.amazonaws.com")
        #expect(dotted.path == "/my.bucket/key")
        #expect(pathStyle.endpoint.hostHeader == "127.0.0.1:9000")
        #expect(pathStyle.path == "/my-bucket/jobs/a.json")
    }

    @Test(arguments: ["localhost:4566", "ftp://host", "http://"])
    func invalidEndpointIsRejected(value: String) {
        let error = #expect(throws: AWSError.self) {
            try EndpointResolver(environment: ["AWS_ENDPOINT_URL_ECS": value])
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("AWS_ENDPOINT_URL_ECS=\(value)") == true)
    }
}
