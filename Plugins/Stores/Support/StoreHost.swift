import Foundation
import PluginABI

/// The host's callbacks (`ecss_host_api`) as Swift methods, for one plugin handle.
///
/// # Thread safety
/// Every host callback may be called from any thread (see ecss_plugin.h), and this value
/// only reads the table and handle it was given, which stay valid until the process exits.
public struct StoreHost: @unchecked Sendable {
    private let api: UnsafePointer<ecss_host_api>
    private let handle: OpaquePointer?

    public init(api: UnsafePointer<ecss_host_api>, handle: OpaquePointer?) {
        self.api = api
        self.handle = handle
    }

    /// True when the table reaches the last callback these plugins use (host_json_get).
    public static func isComplete(_ api: UnsafePointer<ecss_host_api>) -> Bool {
        let needed = MemoryLayout<ecss_host_api>.offset(of: \ecss_host_api.host_json_get)!
            + MemoryLayout<UnsafeRawPointer>.size
        return api.pointee.abi_major == ECSS_ABI_MAJOR && Int(api.pointee.struct_size) >= needed
    }

    /// Writes one log line as the plugin, tagged with `jobID` when given. Never pass secrets.
    public func log(_ level: ecss_log_level, _ message: String, jobID: String? = nil) {
        api.pointee.host_log(handle, level, jobID, message)
    }

    /// Reads a host setting ("aws.region", or an ECSS_* variable); nil when it is not set.
    public func config(_ key: String) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard api.pointee.host_config_get(handle, key, &value) == ECSS_OK, let value else { return nil }
        defer { api.pointee.host_free(value) }
        return String(cString: value)
    }

    /// Copies a string into memory from host_alloc, as every `char **..._out` of a hook must be.
    public func allocate(_ text: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(text.utf8CString)
        let memory = api.pointee.host_alloc(bytes.count)!.assumingMemoryBound(to: CChar.self)
        memory.initialize(from: bytes, count: bytes.count)
        return memory
    }

    /// Sends a signed AWS request through the host and waits for the final response.
    public func send(_ request: AWSRequest) -> HostResponse {
        let strings = CStringArena()
        defer { strings.release() }
        let headers = strings.nullTerminatedArray(request.headers)
        return request.body.withUnsafeBytes { body -> HostResponse in
            var raw = ecss_aws_request()
            raw.struct_size = UInt32(MemoryLayout<ecss_aws_request>.size)
            raw.service = strings.copy(request.service)
            raw.method = strings.copy(request.method)
            raw.path = strings.copy(request.path)
            raw.query = request.query.map { strings.copy($0) }
            raw.headers = headers
            raw.body = body.baseAddress?.assumingMemoryBound(to: UInt8.self)
            raw.body_length = body.count
            raw.region = request.region.map { strings.copy($0) }
            return exchange { response, error in api.pointee.host_aws_request(handle, &raw, response, error) }
        }
    }

    /// Sends a plain HTTP request once through the host.
    public func send(_ request: HTTPRequest) -> HostResponse {
        let strings = CStringArena()
        defer { strings.release() }
        let headers = strings.nullTerminatedArray(request.headers)
        return request.body.withUnsafeBytes { body -> HostResponse in
            var raw = ecss_http_request()
            raw.struct_size = UInt32(MemoryLayout<ecss_http_request>.size)
            raw.method = strings.copy(request.method)
            raw.url = strings.copy(request.url)
            raw.headers = headers
            raw.body = body.baseAddress?.assumingMemoryBound(to: UInt8.self)
            raw.body_length = body.count
            raw.timeout_ms = request.timeoutMilliseconds
            raw.verify_tls = request.verifyTLS
            raw.ca_file = request.caFile.map { strings.copy($0) }
            return exchange { response, error in api.pointee.host_http_request(handle, &raw, response, error) }
        }
    }

    /// Runs one host request call and copies what it returned before releasing it.
    private func exchange(
        _ call: (UnsafeMutablePointer<ecss_http_response>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> ecss_status
    ) -> HostResponse {
        var response = ecss_http_response()
        response.struct_size = UInt32(MemoryLayout<ecss_http_response>.size)
        var error: UnsafeMutablePointer<CChar>?
        let status = call(&response, &error)
        defer {
            api.pointee.host_response_free(&response)
            api.pointee.host_free(error)
        }
        return HostResponse(
            status: status,
            httpStatus: Int(response.status),
            headers: response.headers.map { String(cString: $0) } ?? "",
            body: response.body.map { Data(bytes: $0, count: response.body_length) } ?? Data(),
            errorCode: response.error_code.map { String(cString: $0) },
            message: error.map { String(cString: $0) }
        )
    }
}

/// A request for `StoreHost.send(_:)` to an AWS service; the host signs and retries it.
public struct AWSRequest: Sendable {
    public var service: String
    public var method: String
    /// Percent-encoded URL path.
    public var path: String
    /// Percent-encoded query string without "?".
    public var query: String?
    /// "Name: value" header lines.
    public var headers: [String]
    public var body: Data
    /// Region to sign for and send to; nil for the host's region.
    public var region: String?

    public init(service: String, method: String, path: String, query: String? = nil, headers: [String] = [],
                body: Data = Data(), region: String? = nil) {
        self.service = service
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.region = region
    }
}

/// A plain HTTP request for `StoreHost.send(_:)`, sent once.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [String]
    public var body: Data
    /// Whole-request timeout; 0 for the host's default.
    public var timeoutMilliseconds: UInt32
    public var verifyTLS: Bool
    /// PEM file of trusted CA certificates; nil for the system's.
    public var caFile: String?

    public init(method: String, url: String, headers: [String] = [], body: Data = Data(),
                timeoutMilliseconds: UInt32 = 0, verifyTLS: Bool = true, caFile: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.verifyTLS = verifyTLS
        self.caFile = caFile
    }
}

/// The result of a host request, copied out of the host's memory.
public struct HostResponse: Sendable {
    /// The host's verdict (see host_aws_request and host_http_request in ecss_plugin.h).
    public var status: ecss_status
    /// HTTP status; 0 when no response arrived.
    public var httpStatus: Int
    /// Header lines, "Name: value\r\n" each.
    public var headers: String
    public var body: Data
    /// AWS error code ("NoSuchKey", "ResourceNotFoundException"), when the service sent one.
    public var errorCode: String?
    /// The host's one-line description of a failure.
    public var message: String?

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// C strings that live until `release()`, for the borrowed pointers of one host call.
private final class CStringArena {
    private var pointers: [UnsafeMutablePointer<CChar>] = []
    private var arrays: [UnsafeMutablePointer<UnsafePointer<CChar>?>] = []

    func copy(_ text: String) -> UnsafePointer<CChar> {
        let pointer = strdup(text)!
        pointers.append(pointer)
        return UnsafePointer(pointer)
    }

    /// Copies `texts` into a NULL-terminated array of C strings; returns nil for an empty list.
    func nullTerminatedArray(_ texts: [String]) -> UnsafePointer<UnsafePointer<CChar>?>? {
        guard !texts.isEmpty else { return nil }
        let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: texts.count + 1)
        for (index, text) in texts.enumerated() { array[index] = copy(text) }
        array[texts.count] = nil
        arrays.append(array)
        return UnsafePointer(array)
    }

    func release() {
        pointers.forEach { free($0) }
        arrays.forEach { $0.deallocate() }
        pointers = []
        arrays = []
    }
}
