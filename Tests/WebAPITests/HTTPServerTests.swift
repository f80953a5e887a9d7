import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPServer
import Synchronization
import TestSupport
import Testing

/// Sends raw bytes to 127.0.0.1:`port` on one connection and reads until `responses`
/// complete responses have arrived or the peer closes.
func rawExchange(port: Int, _ text: String, responses: Int = 1, timeout: TimeInterval = 5) throws -> String {
    guard let fd = connectToLoopback(port: port) else { throw TestSupportError("cannot connect to port \(port)") }
    defer { close(fd) }
    var timeoutValue = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeoutValue, socklen_t(MemoryLayout<timeval>.size))
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var received = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while completeResponses(in: received) < responses {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        received.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: received, as: UTF8.self)
}

/// Counts the complete responses (headers plus Content-Length bytes) in `data`.
private func completeResponses(in data: Data) -> Int {
    let bytes = [UInt8](data)
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    var count = 0
    var start = 0
    while start < bytes.count {
        guard let headerEnd = (start...max(start, bytes.count - separator.count)).first(where: {
            $0 + separator.count <= bytes.count && Array(bytes[$0..<$0 + separator.count]) == separator
        }) else { break }
        let headers = String(decoding: bytes[start..<headerEnd], as: UTF8.self).lowercased()
        var length = 0
        if let line = headers.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }) {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        let end = headerEnd + separator.count + length
        guard end <= bytes.count else { break }
        count += 1
        start = end
    }
    return count
}

/// A server on a free port whose handler echoes the request as JSON.
final class EchoServer: Sendable {
    /// The number of handler calls.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func load() -> Int { value.load(ordering: .relaxed) }
    }

    let server: HTTPServer
    let calls = Counter()

    init(configuration: HTTPServer.Configuration = HTTPServer.Configuration(),
         delay: Duration = .zero) throws {
        let calls = self.calls
        server = HTTPServer(host: "127.0.0.1", port: 0, configuration: configuration) { request in
            calls.value.add(1, ordering: .relaxed)
            if delay > .zero { usleep(UInt32(delay / .microseconds(1))) }
            let echo: [String: Any] = [
                "method": request.method, "path": request.path,
                "query": request.query.map { [$0.name, $0.value] },
                "header": request.header("X-Test") ?? "", "body": String(decoding: request.body, as: UTF8.self),
            ]
            let body = try! JSONSerialization.data(withJSONObject: echo, options: [.sortedKeys, .withoutEscapingSlashes])
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/json"), ("X-Reply", "yes")], body: body)
        }
        try server.start()
    }

    var port: Int { server.port }
}

@Suite struct HTTPServerTests {
    @Test func requestPartsReachTheHandler() throws {
        let echo = try EchoServer()
        defer { echo.server.stop() }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(echo.port)/some%20path?a=1&b=x+y&a=2")!)
        request.httpMethod = "PUT"
        request.httpBody = Data("hello".utf8)
        request.setValue("yes", forHTTPHeaderField: "X-Test")
        let (status, data) = try blockingSend(request)
        #expect(status == 200)
        let echoed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(echoed["method"] as? String == "PUT")
        #expect(echoed["path"] as? String == "/some path")
        #expect(echoed["query"] as? [[String]] == [["a", "1"], ["b", "x y"], ["a", "2"]])
        #expect(echoed["header"] as? String == "yes")
        #expect(echoed["body"] as? String == "hello")
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let echo = try EchoServer()
        defer { echo.server.stop() }
        let request = "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n"
        let answer = try rawExchange(port: echo.port, request, responses: 2)
        #expect(answer.components(separatedBy: "HTTP/1.1 200").count == 3)
        #expect(answer.contains("\"path\":\"/first\""))
        #expect(answer.contains("\"path\":\"/second\""))
        #expect(answer.lowercased().contains("x-reply: yes"))
    }

    @Test func declaredLargeBodyGets413WithoutHandler() throws {
        var configuration = HTTPServer.Configuration()
        configuration.maxBodySize = 1_000
        configuration.payloadTooLargeResponse = HTTPResponse(status: 413, body: Data("too large".utf8))
        let echo = try EchoServer(configuration: configuration)
        defer { echo.server.stop() }
        let answer = try rawExchange(
            port: echo.port, "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n" + String(repeating: "a", count: 2_000))
        #expect(answer.hasPrefix("HTTP/1.1 413"))
        #expect(answer.hasSuffix("too large"))
        #expect(echo.calls.load() == 0)
    }

    @Test func chunkedLargeBodyGets413() throws {
        var configuration = HTTPServer.Configuration()
        configuration.maxBodySize = 1_000
        let echo = try EchoServer(configuration: configuration)
        defer { echo.server.stop() }
        let chunk = String(repeating: "b", count: 800)
        let chunked = "320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
        let answer = try rawExchange(
            port: echo.port, "POST /jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
        #expect(answer.hasPrefix("HTTP/1.1 413"))
        #expect(echo.calls.load() == 0)
        let small = try rawExchange(
            port: echo.port, "POST /jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(small.hasPrefix("HTTP/1.1 200"))
        #expect(small.contains("\"body\":\"hello\""))
    }

    @Test func stopFinishesRequestsInFlight() throws {
        let echo = try EchoServer(delay: .milliseconds(500))
        let port = echo.port
        let answer = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let text = try? rawExchange(port: port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            answer.withLock { $0 = text }
            done.signal()
        }
        while echo.calls.load() == 0 { usleep(10_000) }
        echo.server.stop(gracePeriod: .seconds(5))
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(answer.withLock { $0 }?.hasPrefix("HTTP/1.1 200") == true)
        #expect(!waitForLoopbackPort(port, timeout: 0.2))
    }

    @Test func busyPortFailsToStart() throws {
        let echo = try EchoServer()
        defer { echo.server.stop() }
        let second = HTTPServer(host: "127.0.0.1", port: echo.port) { _ in HTTPResponse(status: 200) }
        #expect(throws: HTTPServerError.self) { try second.start() }
        let unresolvable = HTTPServer(host: "no-such-host.invalid", port: 0) { _ in HTTPResponse(status: 200) }
        #expect(throws: HTTPServerError.self) { try unresolvable.start() }
    }
}
