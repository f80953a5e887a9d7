import Foundation

/// The host's callbacks (`ecss_host_api`) for one plugin, with Swift types.
///
/// `@unchecked Sendable`: the table and the handle stay valid until the process exits, and
/// the ABI lets every callback be called from any thread.
public struct HostAPI: @unchecked Sendable {
    public let api: UnsafePointer<ecss_host_api>
    public let handle: OpaquePointer?

    public init(api: UnsafePointer<ecss_host_api>, handle: OpaquePointer?) {
        self.api = api
        self.handle = handle
    }

    /// Log levels of `host_log`, with the numbers of Python's logging module.
    public enum LogLevel: UInt32, Sendable {
        case debug = 10
        case info = 20
        case warning = 30
        case error = 40
        case critical = 50
    }

    /// Writes one log line as this plugin; never pass secrets.
    public func log(_ level: LogLevel, _ message: String, jobID: String? = nil) {
        api.pointee.host_log(handle, ecss_log_level(rawValue: level.rawValue), jobID, message)
    }

    /// Reads a setting of the host's configuration (an `ECSS_*` variable, or "aws.region"); nil when
    /// it is not set.
    public func setting(_ key: String) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard api.pointee.host_config_get(handle, key, &value) == ECSS_OK else { return nil }
        return takeHostString(value)
    }

    /// Copies `text` into memory from host_alloc, as hooks hand strings to the host.
    public func allocateString(_ text: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(text.utf8CString)
        let memory = api.pointee.host_alloc(bytes.count)!.bindMemory(to: CChar.self, capacity: bytes.count)
        memory.initialize(from: bytes, count: bytes.count)
        return memory
    }

    /// Reads a string the host allocated and frees it.
    func takeHostString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { api.pointee.host_free(pointer) }
        return String(cString: pointer)
    }
}

/// A request for `HostAPI.sendAWS(_:)`: the host signs it, sends it to the service's endpoint
/// and retries it.
public struct AWSCall: Sendable {
    /// Endpoint and signing name: "sqs", "s3", "dynamodb".
    public var service: String
    /// Operation name for retries and messages; nil to take it from `X-Amz-Target`.
    public var operation: String?
    public var method: String
    /// Percent-encoded URL path.
    public var path: String
    /// Percent-encoded query string without `?`.
    public var query: String?
    public var headers: [String: String]
    public var body: Data
    /// Region to sign for and send to; nil for the host's.
    public var region: String?

    public init(service: String, operation: String? = nil, method: String = "POST", path: String = "/",
                query: String? = nil, headers: [String: String] = [:], body: Data = Data(), region: String? = nil) {
        self.service = service
        self.operation = operation
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.region = region
    }

    /// Builds a request of the AWS JSON protocol 1.0 ("AmazonSQS", "GetQueueUrl"): POST / with
    /// `X-Amz-Target: <target>.<operation>` and a JSON body.
    public static func json(service: String, target: String, operation: String, body: JSON,
                            region: String? = nil) -> AWSCall {
        AWSCall(service: service, operation: operation, headers: [
            "X-Amz-Target": "\(target).\(operation)", "Content-Type": "application/x-amz-json-1.0",
        ], body: body.serialized(), region: region)
    }
}

/// A plain HTTP request for `HostAPI.sendHTTP(_:)`, sent once without retries.
public struct HTTPCall: Sendable {
    public var method: String
    /// Absolute http:// or https:// URL.
    public var url: String
    public var headers: [String: String]
    public var body: Data
    /// Whole-request timeout in milliseconds; 0 for the host's default (30 s).
    public var timeoutMilliseconds: UInt32
    public var verifyTLS: Bool
    /// PEM file of trusted CA certificates; nil for the system's.
    public var caFile: String?

    public init(method: String, url: String, headers: [String: String] = [:], body: Data = Data(),
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

/// The response that `HostAPI.sendAWS(_:)` or `HostAPI.sendHTTP(_:)` received.
public struct HostResponse: Sendable, Equatable {
    /// HTTP status; 0 when no response arrived.
    public var status: Int
    /// Header values by lowercase name.
    public var headers: [String: String]
    public var body: Data
    /// AWS error code of an AWS error response.
    public var errorCode: String?
    public var requestID: String?

    /// Parses the body as JSON.
    public func json() throws(PluginError) -> JSON {
        do {
            return try JSON.parse(body)
        } catch {
            throw PluginError(error)
        }
    }
}
