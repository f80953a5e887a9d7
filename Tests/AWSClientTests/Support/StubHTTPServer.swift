import Foundation
import Synchronization
import TestSupport

/// A small HTTP/1.1 server on 127.0.0.1 for tests: it reads each request (request line,
/// headers, a `Content-Length` body), calls `handler` for the reply, and keeps the
/// connection open for the next request unless `keepsAlive` is false. A `.drop` reply
/// closes the connection without answering, as a failing peer would.
final class StubHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        /// The request target: path and query, as sent.
        var target: String
        /// Headers by lowercased name.
        var headers: [String: String]
        var body: Data

        var path: String { String(target.prefix { $0 != "?" }) }
    }

    enum Reply: Sendable {
        case respond(status: Int, headers: [String: String] = [:], body: Data = Data())
        case drop
        /// Waits before responding, to trip a client's timeout.
        case delayed(seconds: Double, status: Int)

        static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> Reply {
            var all = headers
            all["Content-Type"] = "application/x-amz-json-1.0"
            return .respond(status: status, headers: all, body: Data(text.utf8))
        }

        static func text(_ status: Int, _ text: String) -> Reply {
            .respond(status: status, headers: ["Content-Type": "text/plain"], body: Data(text.utf8))
        }
    }

    let port: Int
    var endpoint: String { "http://127.0.0.1:\(port)" }

    private let listener: Int32
    private let keepsAlive: Bool
    private let handler: @Sendable (Request) -> Reply
    private let received = Mutex<[Request]>([])
    private let connectionCount = Atomic<Int>(0)
    private let openConnections = Mutex<Set<Int32>>([])

    init(keepsAlive: Bool = true, handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        self.keepsAlive = keepsAlive
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound, listen(fd, 64) == 0 else {
            close(fd)
            throw TestSupportError("binding the stub server failed: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// The requests received so far, in order.
    var requests: [Request] { received.withLock { $0 } }

    /// How many TCP connections clients opened.
    var connectionsAccepted: Int { connectionCount.load(ordering: .relaxed) }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in openConnections.withLock({ $0 }) {
            shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    deinit {
        stop()
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            connectionCount.add(1, ordering: .relaxed)
            var noDelay: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            openConnections.withLock { _ = $0.insert(connection) }
            Thread.detachNewThread { [self] in
                serve(connection)
                openConnections.withLock { _ = $0.remove(connection) }
                close(connection)
            }
        }
    }

    private func serve(_ connection: Int32) {
        var buffer = Data()
        while let request = readRequest(connection, buffer: &buffer) {
            received.withLock { $0.append(request) }
            switch handler(request) {
            case .drop:
                return
            case .delayed(let seconds, let status):
                Thread.sleep(forTimeInterval: seconds)
                guard write(connection, status: status, headers: [:], body: Data()) else { return }
            case .respond(let status, let headers, let body):
                guard write(connection, status: status, headers: headers, body: body) else { return }
            }
            if !keepsAlive { return }
        }
    }

    /// Reads one request; nil when the client closed the connection.
    private func readRequest(_ connection: Int32, buffer: inout Data) -> Request? {
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd = buffer.range(of: separator)
        while headerEnd == nil {
            guard receive(connection, into: &buffer) else { return nil }
            headerEnd = buffer.range(of: separator)
        }
        let head = String(decoding: buffer[buffer.startIndex..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let bodyLength = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headerEnd!.upperBound
        while buffer.distance(from: bodyStart, to: buffer.endIndex) < bodyLength {
            guard receive(connection, into: &buffer) else { return nil }
        }
        let body = Data(buffer[bodyStart..<buffer.index(bodyStart, offsetBy: bodyLength)])
        buffer = Data(buffer[buffer.index(bodyStart, offsetBy: bodyLength)...])
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
    }

    private func receive(_ connection: Int32, into buffer: inout Data) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = recv(connection, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    private func write(_ connection: Int32, status: Int, headers: [String: String], body: Data) -> Bool {
        var head = "HTTP/1.1 \(status) Stub\r\nContent-Length: \(body.count)\r\n"
        if !keepsAlive { head += "Connection: close\r\n" }
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        head += "\r\n"
        var bytes = Data(head.utf8)
        bytes.append(body)
        return bytes.withUnsafeBytes { pointer in
            var offset = 0
            while offset < pointer.count {
                let sent = send(connection, pointer.baseAddress! + offset, pointer.count - offset, Int32(MSG_NOSIGNAL))
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }
}
