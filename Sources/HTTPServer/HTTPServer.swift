import CMicroHTTPD
import Foundation
import Logging
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd that passes each complete request to one handler.
///
/// The daemon runs its own pool of threads (epoll, one thread per core by default) and
/// calls `handler` on them, several requests at once. Keep-alive and pipelining are
/// libmicrohttpd's. Request bodies larger than `Configuration.maxBodySize` are not
/// buffered: the server answers `Configuration.payloadTooLargeResponse` instead of calling
/// the handler.
///
/// # Thread safety
/// `start()` and `stop(gracePeriod:)` may be called from any thread; the handler must be
/// safe to call from several threads at once.
public final class HTTPServer: Sendable {
    /// Limits and tuning of the server.
    public struct Configuration: Sendable {
        /// Threads serving connections.
        public var threadCount = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        /// Open connections at most; further ones are refused until one closes.
        public var connectionLimit = 1_024
        /// Bytes per connection for the request line, headers and buffers.
        public var connectionMemoryLimit = 64 * 1_024
        /// Seconds after which an idle keep-alive connection is closed.
        public var connectionTimeout = 60
        /// Largest request body accepted, in bytes.
        public var maxBodySize = 1_048_576
        /// The response to a request whose body is larger than `maxBodySize`.
        public var payloadTooLargeResponse = HTTPResponse(status: 413)

        public init() {}
    }

    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public let host: String
    public let requestedPort: Int
    public let configuration: Configuration
    let handler: Handler
    let logger = Logger(component: "http")

    private enum State {
        case idle
        case running(DaemonHandle)
        case stopped
    }

    /// The C server pointer; only `start()` and `stop(gracePeriod:)` touch it, under `state`'s lock.
    private struct DaemonHandle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let state = Mutex(State.idle)
    private let boundPort = Atomic<Int>(0)

    /// - Parameters:
    ///   - host: address to listen on, such as `127.0.0.1`, `0.0.0.0` or `::1`.
    ///   - port: TCP port; 0 picks a free one (see `port` after `start()`).
    ///   - handler: returns the response to each request; runs on the server's threads.
    public init(host: String, port: Int, configuration: Configuration = Configuration(),
                handler: @escaping Handler) {
        self.host = host
        self.requestedPort = port
        self.configuration = configuration
        self.handler = handler
    }

    deinit {
        stop(gracePeriod: .zero)
    }

    /// The port the server listens on; 0 before `start()`.
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// Starts listening and serving.
    /// - Throws: `HTTPServerError` when the address cannot be resolved or bound, or when the
    ///   server was started before.
    public func start() throws(HTTPServerError) {
        guard (0...65_535).contains(requestedPort) else {
            throw HTTPServerError("invalid port \(requestedPort); use 0 to 65535")
        }
        let result: Result<Int, HTTPServerError> = state.withLock { state in
            guard case .idle = state else {
                return .failure(HTTPServerError("the HTTP server was already started"))
            }
            switch startDaemon() {
            case .success(let handle):
                state = .running(handle)
                return .success(Int(ecss_http_server_port(handle.pointer)))
            case .failure(let error):
                return .failure(error)
            }
        }
        let port = try result.get()
        boundPort.store(port, ordering: .releasing)
        logger.info("HTTP server listening", ["host": host, "port": String(port)])
    }

    private func startDaemon() -> Result<DaemonHandle, HTTPServerError> {
        var errorText = [CChar](repeating: 0, count: 256)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let pointer = host.withCString { hostText -> OpaquePointer? in
            var options = ecss_http_server_options()
            options.host = hostText
            options.port = UInt16(requestedPort)
            options.thread_pool_size = UInt32(max(configuration.threadCount, 1))
            options.connection_limit = UInt32(configuration.connectionLimit)
            options.connection_memory_limit = configuration.connectionMemoryLimit
            options.connection_timeout = UInt32(configuration.connectionTimeout)
            options.max_body_size = configuration.maxBodySize
            options.handler = serveRequest
            options.log = logDaemonMessage
            options.context = context
            return ecss_http_server_start(&options, &errorText, errorText.count)
        }
        guard let pointer else {
            let message = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(HTTPServerError(message))
        }
        return .success(DaemonHandle(pointer: pointer))
    }

    /// Stops accepting connections, waits up to `gracePeriod` for the responses to requests
    /// in flight, then closes every connection and stops the server's threads.
    ///
    /// - Important: Returns once the threads have stopped, so the handler is not called
    ///   afterwards. Calling it again, or before `start()`, does nothing.
    public func stop(gracePeriod: Duration = .seconds(5)) {
        let handle: DaemonHandle? = state.withLock { state in
            guard case .running(let handle) = state else {
                if case .idle = state { state = .stopped }
                return nil
            }
            state = .stopped
            return handle
        }
        guard let handle else { return }

        ecss_http_server_quiesce(handle.pointer)
        let deadline = ContinuousClock.now + gracePeriod
        while ecss_http_server_requests_in_flight(handle.pointer) > 0, ContinuousClock.now < deadline {
            usleep(10_000)
        }
        let unfinished = ecss_http_server_requests_in_flight(handle.pointer)
        if unfinished > 0 {
            logger.warning("HTTP server stopped with requests unanswered", ["requests": String(unfinished)])
        }
        ecss_http_server_stop(handle.pointer)
        logger.info("HTTP server stopped", ["port": String(port)])
    }

    /// Builds the request, calls the handler (or answers 413) and queues the response.
    fileprivate func serve(connection: OpaquePointer, method: String, url: String, body: Data,
                           bodyTooLarge: Bool) -> MHD_Result {
        let response: HTTPResponse
        if bodyTooLarge {
            response = configuration.payloadTooLargeResponse
        } else {
            let request = HTTPRequest(
                method: method, path: url, query: connectionValues(connection, kind: MHD_ValueKind.GET_ARGUMENT_KIND),
                lowercasedHeaders: headerFields(connection), body: body)
            response = handler(request)
        }
        return queue(response, on: connection)
    }

    private func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        let body = response.body
        let mhdResponse = body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                                            MHD_ResponseMemoryMode.RESPMEM_MUST_COPY)
        }
        guard let mhdResponse else { return MHD_Result.NO }
        defer { MHD_destroy_response(mhdResponse) }
        for (name, value) in response.headers {
            guard MHD_add_response_header(mhdResponse, name, value) == MHD_Result.YES else {
                logger.error("invalid response header dropped", ["header": name])
                continue
            }
        }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    }

    fileprivate func log(daemonMessage: String) {
        logger.warning("libmicrohttpd reported an error", ["error": daemonMessage])
    }
}

extension HTTPRequest {
    /// Builds a request from header fields whose names are already lower case.
    init(method: String, path: String, query: [(name: String, value: String)], lowercasedHeaders: [String: String],
         body: Data) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = lowercasedHeaders
        self.body = body
    }
}

/// Header fields of the request on `connection`, keyed by lower-case name.
private func headerFields(_ connection: OpaquePointer) -> [String: String] {
    var fields: [String: String] = [:]
    for (name, value) in connectionValues(connection, kind: MHD_ValueKind.HEADER_KIND) {
        let key = name.lowercased()
        if let existing = fields[key] {
            fields[key] = existing + ", " + value
        } else {
            fields[key] = value
        }
    }
    return fields
}

/// Reads the values of one kind (headers, query arguments) of the request on `connection`.
private func connectionValues(_ connection: OpaquePointer, kind: MHD_ValueKind) -> [(name: String, value: String)] {
    var values: [(name: String, value: String)] = []
    withUnsafeMutablePointer(to: &values) { pointer in
        _ = MHD_get_connection_values(connection, kind, { context, _, key, value in
            guard let context, let key else { return MHD_Result.YES }
            let list = context.assumingMemoryBound(to: [(name: String, value: String)].self)
            list.pointee.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
            return MHD_Result.YES
        }, pointer)
    }
    return values
}

private func serveRequest(context: UnsafeMutableRawPointer?, connection: OpaquePointer?,
                          method: UnsafePointer<CChar>?, url: UnsafePointer<CChar>?,
                          body: UnsafePointer<CChar>?, bodyLength: Int, bodyTooLarge: Bool) -> MHD_Result {
    guard let context, let connection else { return MHD_Result.NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    let data = body.map { Data(bytes: $0, count: bodyLength) } ?? Data()
    return server.serve(connection: connection, method: method.map { String(cString: $0) } ?? "",
                        url: url.map { String(cString: $0) } ?? "/", body: data, bodyTooLarge: bodyTooLarge)
}

private func logDaemonMessage(context: UnsafeMutableRawPointer?, message: UnsafePointer<CChar>?) {
    guard let context, let message else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    server.log(daemonMessage: String(cString: message))
}
