import Foundation

/// A plain HTTP(S) request for `HTTPClient`.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Absolute `http://` or `https://` URL, percent-encoded.
    public var url: String
    /// Header lines in order; a name may repeat.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// Limit for the whole exchange, from connecting to the last byte of the body.
    public var timeout: Duration
    /// Limit for connecting, TLS handshake included.
    public var connectTimeout: Duration
    /// Verify the server's TLS certificate and host name.
    public var verifiesTLS: Bool
    /// PEM file of trusted CA certificates; nil for the system's.
    public var caFile: String?

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [],
                body: Data = Data(), timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
                verifiesTLS: Bool = true, caFile: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.verifiesTLS = verifiesTLS
        self.caFile = caFile
    }

    /// Sets a header, replacing every earlier line of that name (names compare case-insensitively).
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }
}

/// The response to an `HTTPRequest`, whatever its status.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header lines as received, in order, without the status line.
    public var headerLines: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headerLines: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headerLines = headerLines
        self.body = body
    }

    /// Headers by lowercased name; values of a repeated name are joined with ", ".
    public var headers: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in headerLines {
            let key = name.lowercased()
            if let earlier = result[key] {
                result[key] = earlier + ", " + value
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// Looks up the first value of a header by case-insensitive name.
    public func header(_ name: String) -> String? {
        headerLines.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
