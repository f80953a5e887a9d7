import Foundation

/// One HTTP request as the server hands it to its handler.
public struct HTTPRequest: Sendable {
    /// The method in upper case, as sent (`GET`, `POST`, ...).
    public var method: String
    /// The path with percent-escapes decoded, without the query.
    public var path: String
    /// Query arguments in the order sent, with escapes and `+` decoded.
    public var query: [(name: String, value: String)]
    /// Header fields keyed by lower-case name; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The body; empty when the request had none.
    public var body: Data

    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [String: String] = [:], body: Data = Data()) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $0 + ", " + $1 })
        self.body = body
    }

    /// Returns the value of the header field `name` (any case).
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// Returns the first value of the query argument `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// The response a handler returns.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields in the order they are sent.
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Returns the value of the first header field called `name` (any case).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
