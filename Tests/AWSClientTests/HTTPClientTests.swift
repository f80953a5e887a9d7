import Foundation
import Synchronization
import Testing
import TestSupport
@testable import AWSClient

/// Tests of the plain HTTP client against a stub server and an `openssl s_server` on loopback.
@Suite struct HTTPClientTests {
    /// A stub that returns the request's method, target, body and `X-Probe` header.
    static func echoServer() throws -> StubHTTPServer {
        try StubHTTPServer { request in
            let text = "\(request.method) \(request.target) \(request.headers["x-probe"] ?? "-") \(String(decoding: request.body, as: UTF8.self))"
            return .respond(status: 201, headers: ["X-Echo": "yes", "Set-Cookie": "a=1"], body: Data(text.utf8))
        }
    }

    @Test func postSendsMethodHeadersAndBody() throws {
        let server = try Self.echoServer()
        defer { server.stop() }

        let response = try HTTPClient().send(HTTPRequest(method: "POST", url: server.endpoint + "/path?q=1",
                                                         headers: [("X-Probe", "p1")], body: Data("payload".utf8)))

        #expect(response.status == 201)
        #expect(String(decoding: response.body, as: UTF8.self) == "POST /path?q=1 p1 payload")
        #expect(response.headers["x-echo"] == "yes")
        #expect(response.header("X-ECHO") == "yes")
        let request = try #require(server.requests.first)
        #expect(request.headers["content-type"] == nil)
        #expect(request.headers["expect"] == nil)
        #expect(request.headers["content-length"] == "7")
    }

    @Test func otherMethodsAreSentAsGiven() throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let client = HTTPClient()

        let put = try client.send(HTTPRequest(method: "PUT", url: server.endpoint + "/doc", body: Data("{}".utf8)))
        let delete = try client.send(HTTPRequest(method: "DELETE", url: server.endpoint + "/doc"))
        let head = try client.send(HTTPRequest(method: "HEAD", url: server.endpoint + "/doc"))
        let emptyPost = try client.send(HTTPRequest(method: "POST", url: server.endpoint + "/empty"))

        #expect(String(decoding: put.body, as: UTF8.self) == "PUT /doc - {}")
        #expect(String(decoding: delete.body, as: UTF8.self) == "DELETE /doc - ")
        #expect(head.status == 201)
        #expect(head.body.isEmpty)
        #expect(String(decoding: emptyPost.body, as: UTF8.self) == "POST /empty - ")
        #expect(server.requests.map(\.method) == ["PUT", "DELETE", "HEAD", "POST"])
    }

    @Test func connectionIsReused() throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let pool = CurlHandlePool(maxIdleHandles: 4)

        for index in 0..<5 {
            let response = try pool.perform(HTTPRequest(url: server.endpoint + "/\(index)"))
            #expect(response.status == 201)
        }

        #expect(server.requests.count == 5)
        #expect(server.connectionsAccepted == 1)
    }

    @Test func manyThreadsShareTheClient() throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let client = HTTPClient()
        let mismatches = Atomic<Int>(0)

        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<10 {
                let body = "thread-\(thread)-\(index)"
                let response = try? client.send(HTTPRequest(method: "POST", url: server.endpoint + "/", body: Data(body.utf8)))
                if response.map({ String(decoding: $0.body, as: UTF8.self) }) != "POST / - \(body)" {
                    mismatches.add(1, ordering: .relaxed)
                }
            }
        }

        #expect(mismatches.load(ordering: .relaxed) == 0)
        #expect(server.requests.count == 80)
    }

    @Test func malformedRequestsAreRejected() {
        let client = HTTPClient()

        let badHeader = #expect(throws: HTTPClientError.self) {
            try client.send(HTTPRequest(url: "http://127.0.0.1:9/", headers: [("X-Bad", "one\r\nInjected: yes")]))
        }
        let badScheme = #expect(throws: HTTPClientError.self) {
            try client.send(HTTPRequest(url: "ftp://127.0.0.1/file"))
        }
        let badMethod = #expect(throws: HTTPClientError.self) {
            try client.send(HTTPRequest(method: "GET /x", url: "http://127.0.0.1:9/"))
        }

        #expect(badHeader?.code == .invalidRequest)
        #expect(badScheme?.code == .invalidRequest)
        #expect(badMethod?.code == .invalidRequest)
    }

    @Test func refusedConnectionIsReported() {
        let error = #expect(throws: HTTPClientError.self) {
            try HTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(closedPort())/"))
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isRetryable == true)
    }

    @Test func slowServerTimesOut() throws {
        let server = try StubHTTPServer { _ in .delayed(seconds: 3, status: 200) }
        defer { server.stop() }

        let error = #expect(throws: HTTPClientError.self) {
            try HTTPClient().send(HTTPRequest(url: server.endpoint + "/", timeout: .milliseconds(200)))
        }

        #expect(error?.code == .timedOut)
    }

    @Test func tlsVerificationFollowsSettings() throws {
        let tls = try TLSServer()
        defer { tls.stop() }
        let client = HTTPClient()
        let url = "https://127.0.0.1:\(tls.port)/"

        let untrusted = #expect(throws: HTTPClientError.self) {
            try client.send(HTTPRequest(url: url, caFile: "/etc/ssl/certs/ca-certificates.crt"))
        }
        let trusted = try client.send(HTTPRequest(url: url, caFile: tls.certificatePath))
        let unverified = try client.send(HTTPRequest(url: url, verifiesTLS: false))

        #expect(untrusted?.code == .tlsFailed)
        #expect(trusted.status == 200)
        #expect(unverified.status == 200)
    }

    @Test func awsClientTrustsCABundle() throws {
        let tls = try TLSServer()
        defer { tls.stop() }
        var environment = [
            "AWS_ENDPOINT_URL": "https://127.0.0.1:\(tls.port)", "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1",
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "HOME": "/nonexistent",
        ]
        let request = AWSRequest(service: "s3", operation: "ListBuckets", method: "GET")

        let untrusted = #expect(throws: AWSError.self) { try AWSClient(environment: environment).send(request) }
        environment["AWS_CA_BUNDLE"] = tls.certificatePath
        let response = try AWSClient(environment: environment).send(request)

        #expect(untrusted?.transportError?.code == .tlsFailed)
        #expect(untrusted?.isRetryable == false)
        #expect(response.status == 200)
    }
}

/// `openssl s_server -www` with a new self-signed certificate for 127.0.0.1.
final class TLSServer {
    let port: Int
    let certificatePath: String
    private let process: Process

    init() throws {
        let folder = try PackagePaths.temporaryDirectory("tls")
        certificatePath = folder.appendingPathComponent("cert.pem").path
        let keyPath = folder.appendingPathComponent("key.pem").path
        try Self.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                      "-keyout", keyPath, "-out", certificatePath, "-days", "1", "-subj", "/CN=127.0.0.1",
                      "-addext", "subjectAltName=IP:127.0.0.1"])
        port = freeLoopbackPort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificatePath, "-key", keyPath, "-www", "-quiet"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try withDefaultSignalMask { try process.run() }
        guard waitForLoopbackPort(port, timeout: 10) else {
            process.terminate()
            throw TestSupportError("openssl s_server did not listen on port \(port) within 10 s")
        }
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSupportError("openssl \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus)")
        }
    }
}
