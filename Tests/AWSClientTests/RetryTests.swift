import Foundation
import Synchronization
import Testing
@testable import AWSClient

/// Retries, timeouts and error parsing, against a stub server on loopback.
@Suite struct RetryTests {
    /// Retry delays of milliseconds, so that the tests stay fast.
    static var fastOptions: AWSClientOptions {
        var options = AWSClientOptions()
        options.retryBaseDelay = .milliseconds(10)
        options.maxRetryDelay = .milliseconds(50)
        options.requestTimeout = .seconds(5)
        return options
    }

    static func client(_ server: StubHTTPServer, maxAttempts: Int, options: AWSClientOptions = fastOptions) throws -> AWSClient {
        try AWSClient(environment: [
            "AWS_ENDPOINT_URL": server.endpoint, "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": String(maxAttempts),
            "AWS_ACCESS_KEY_ID": "AKIDRETRYTEST", "AWS_SECRET_ACCESS_KEY": "retry-test-secret-key",
            "HOME": "/nonexistent",
        ], options: options)
    }

    /// Starts a stub that returns the given replies in order, then 200 with a table. It closes
    /// each connection after one exchange, because curl itself retries a request once when
    /// a kept-alive connection drops, which would hide the drop from the client.
    static func sequence(_ replies: [StubHTTPServer.Reply]) throws -> StubHTTPServer {
        let remaining = Mutex(replies)
        return try StubHTTPServer(keepsAlive: false) { _ in
            remaining.withLock { $0.isEmpty ? .json(200, "{\"Table\":{\"TableStatus\":\"ACTIVE\"}}") : $0.removeFirst() }
        }
    }

    @Test func throttling5xxAndDropsAreRetried() throws {
        LogCapture.start
        let server = try Self.sequence([
            .json(400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}"#,
                  headers: ["x-amzn-RequestId": "req-throttled"]),
            .json(500, #"{"__type":"InternalServerError","message":"boom"}"#),
            .drop,
        ])
        defer { server.stop() }
        let client = try Self.client(server, maxAttempts: 4)

        let output = try client.jsonCall(service: "dynamodb", targetPrefix: "DynamoDB_20120810",
                                         operation: "RetryProbeSucceeds", version: "1.0", body: ["TableName": "t"])

        #expect((output["Table"] as? [String: Any])?["TableStatus"] as? String == "ACTIVE")
        #expect(server.requests.count == 4)
        let retryLines = LogCapture.lines(containing: "RetryProbeSucceeds").filter { $0.contains("Retrying AWS request") }
        #expect(retryLines.count == 3)
        #expect(retryLines.first?.contains("aws.request_id=req-throttled") == true)
        #expect(retryLines.first?.contains("aws.error_code=ThrottlingException") == true)
        #expect(LogCapture.lines(containing: "RetryProbeSucceeds").allSatisfy { !$0.contains("AWS request failed") })
    }

    @Test func validationErrorIsNotRetried() throws {
        LogCapture.start
        let server = try StubHTTPServer { _ in
            .json(400, #"{"__type":"com.amazon.coral.validate#ValidationException","message":"1 validation error detected"}"#,
                  headers: ["x-amzn-RequestId": "req-invalid"])
        }
        defer { server.stop() }
        let client = try Self.client(server, maxAttempts: 5)

        let error = #expect(throws: AWSError.self) {
            try client.jsonCall(service: "dynamodb", targetPrefix: "DynamoDB_20120810", operation: "RetryProbeInvalid",
                                version: "1.0", body: [:])
        }

        #expect(server.requests.count == 1)
        #expect(error?.kind == .service)
        #expect(error?.status == 400)
        #expect(error?.code == "ValidationException")
        #expect(error?.message == "1 validation error detected")
        #expect(error?.requestID == "req-invalid")
        #expect(error?.operation == "RetryProbeInvalid")
        #expect(error?.isRetryable == false)
        #expect(error?.response?.body.isEmpty == false)
        let failureLines = LogCapture.lines(containing: "RetryProbeInvalid")
        #expect(failureLines.count == 1)
        #expect(failureLines.first?.contains("AWS request failed") == true)
        #expect(failureLines.first?.contains("aws.request_id=req-invalid") == true)
    }

    @Test func lastRetryableErrorIsThrown() throws {
        LogCapture.start
        let server = try StubHTTPServer { _ in .json(503, #"{"__type":"ServiceUnavailable","message":"try later"}"#) }
        defer { server.stop() }
        let client = try Self.client(server, maxAttempts: 3)

        let error = #expect(throws: AWSError.self) {
            try client.jsonCall(service: "ecs", targetPrefix: "AmazonEC2ContainerServiceV20141113",
                                operation: "RetryProbeExhausted", version: "1.1", body: [:])
        }

        #expect(server.requests.count == 3)
        #expect(error?.status == 503)
        #expect(error?.isRetryable == true)
        let lines = LogCapture.lines(containing: "RetryProbeExhausted")
        #expect(lines.filter { $0.contains("Retrying AWS request") }.count == 2)
        let failures = lines.filter { $0.contains("AWS request failed") }
        #expect(failures.count == 1)
        #expect(failures.first?.hasPrefix("WARNING:aws:") == true)
        #expect(failures.first?.contains("attempts=3") == true)
    }

    @Test func refusedConnectionIsRetriedThenThrown() throws {
        let client = try AWSClient(environment: [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:\(closedPort())", "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "2",
            "AWS_ACCESS_KEY_ID": "AKIDRETRYTEST", "AWS_SECRET_ACCESS_KEY": "retry-test-secret-key", "HOME": "/nonexistent",
        ], options: Self.fastOptions)

        let error = #expect(throws: AWSError.self) {
            try client.send(AWSRequest(service: "sqs", operation: "RetryProbeRefused"))
        }

        #expect(error?.kind == .connection)
        #expect(error?.status == 0)
        #expect(error?.transportError?.code == .connectionFailed)
        #expect(error?.isRetryable == true)
    }

    @Test func slowResponseTimesOut() throws {
        let server = try StubHTTPServer { _ in .delayed(seconds: 3, status: 200) }
        defer { server.stop() }
        var options = Self.fastOptions
        options.requestTimeout = .milliseconds(300)
        let client = try Self.client(server, maxAttempts: 1, options: options)

        let error = #expect(throws: AWSError.self) {
            try client.send(AWSRequest(service: "sqs", operation: "RetryProbeSlow"))
        }

        #expect(error?.kind == .connection)
        #expect(error?.transportError?.code == .timedOut)
    }

    @Test func secretsAreNeverLogged() throws {
        LogCapture.start
        let server = try StubHTTPServer { _ in .json(500, #"{"message":"boom"}"#) }
        defer { server.stop() }
        let client = try Self.client(server, maxAttempts: 2)

        _ = try? client.send(AWSRequest(service: "sqs", operation: "RetryProbeSecrets", body: Data("{}".utf8)))

        let lines = LogCapture.lines(containing: "RetryProbeSecrets")
        #expect(lines.count == 2)
        for line in lines {
            #expect(!line.contains("retry-test-secret-key"))
            #expect(!line.contains("Signature="))
            #expect(!line.contains("AWS4-HMAC-SHA256"))
        }
    }

    @Test func requestIsSignedForItsService() throws {
        let server = try StubHTTPServer { _ in .json(200, "{}") }
        defer { server.stop() }
        let client = try Self.client(server, maxAttempts: 1)

        _ = try client.send(AWSRequest(service: "sqs", operation: "Probe", path: "/a%20b", query: "b=2&a=1",
                                       headers: ["X-Amz-Target": "AmazonSQS.Probe"], body: Data("{}".utf8), region: "eu-west-2"))

        let request = try #require(server.requests.first)
        #expect(request.target == "/a%20b?b=2&a=1")
        #expect(request.headers["host"] == "127.0.0.1:\(server.port)")
        #expect(request.headers["x-amz-target"] == "AmazonSQS.Probe")
        let authorization = try #require(request.headers["authorization"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDRETRYTEST/"))
        #expect(authorization.contains("/eu-west-2/sqs/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature="))
        #expect(request.headers["content-type"] == nil)
    }
}

/// Finds a loopback port with nothing listening on it.
func closedPort() -> Int {
    let server = try? StubHTTPServer { _ in .drop }
    let port = server?.port ?? 9
    server?.stop()
    return port
}

/// Parsing of the error shapes of each protocol.
@Suite struct ErrorResponseTests {
    @Test func jsonTypeIsShortened() {
        let parsed = ErrorResponse(status: 400, headers: ["x-amzn-requestid": "r1"],
                                   body: Data(#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#.utf8))
        #expect(parsed.code == "ResourceNotFoundException")
        #expect(parsed.message == "Requested resource not found")
        #expect(parsed.requestID == "r1")
    }

    @Test func errorTypeHeaderIsUsedWithoutBodyCode() {
        let parsed = ErrorResponse(status: 400, headers: ["x-amzn-errortype": "ValidationException:http://internal.amazon.com/coral/"],
                                   body: Data(#"{"Message":"bad"}"#.utf8))
        #expect(parsed.code == "ValidationException")
        #expect(parsed.message == "bad")
    }

    @Test func s3ErrorIsRead() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """
        let parsed = ErrorResponse(status: 404, headers: [:], body: Data(body.utf8))
        #expect(parsed.code == "NoSuchKey")
        #expect(parsed.message == "The specified key does not exist.")
        #expect(parsed.requestID == "4442587FB7D0A2F9")
    }

    @Test func queryErrorIsRead() {
        let body = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>
            <Message>Token is expired</Message></Error><RequestId>c6104cbe</RequestId></ErrorResponse>
            """
        let parsed = ErrorResponse(status: 400, headers: [:], body: Data(body.utf8))
        #expect(parsed.code == "InvalidIdentityToken")
        #expect(parsed.message == "Token is expired")
        #expect(parsed.requestID == "c6104cbe")
    }

    @Test func nestedErrorsListIsRead() {
        let body = "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>invalid token</Message></Error></Errors></ErrorResponse>"
        let parsed = ErrorResponse(status: 403, headers: [:], body: Data(body.utf8))
        #expect(parsed.code == "InvalidClientTokenId")
        #expect(parsed.message == "invalid token")
    }

    @Test func bodilessResponseIsNamedByStatus() {
        #expect(ErrorResponse(status: 404, headers: [:], body: Data()).code == "NotFound")
        #expect(ErrorResponse(status: 403, headers: [:], body: Data()).code == "Forbidden")
        #expect(ErrorResponse(status: 500, headers: [:], body: Data()).code == nil)
    }

    @Test func throttlingAndRetryRules() {
        func error(_ status: Int, _ code: String?) -> AWSError {
            AWSError(kind: .service, service: "ecs", operation: "RunTask", status: status, code: code, message: "")
        }
        #expect(error(400, "ThrottlingException").isThrottling)
        #expect(error(400, "ThrottlingException").isRetryable)
        #expect(error(429, nil).isThrottling)
        #expect(error(400, "RequestTimeout").isRetryable)
        #expect(error(502, nil).isRetryable)
        #expect(!error(501, nil).isRetryable)
        #expect(!error(400, "ClientException").isRetryable)
        #expect(!error(403, "AccessDeniedException").isRetryable)
        #expect(!error(404, "NotFound").isRetryable)
        #expect(!error(409, "ConditionalCheckFailedException").isRetryable)
    }

    @Test func descriptionNamesEveryPart() {
        let error = AWSError(kind: .service, service: "dynamodb", operation: "PutItem", status: 400,
                             code: "ConditionalCheckFailedException", message: "The conditional request failed",
                             requestID: "abc")
        #expect(error.description == "DynamoDB PutItem failed: HTTP 400 ConditionalCheckFailedException: The conditional request failed (request id abc)")
    }
}
