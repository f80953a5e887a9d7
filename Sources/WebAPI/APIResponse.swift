import Foundation
import HTTPServer
import JobModel

/// Builds the API's responses: JSON bodies with sorted keys, an `ETag`, and
/// `Access-Control-Allow-Origin: *`.
enum APIResponse {
    /// Builds a JSON response with `value` as its body.
    static func json(_ status: Int, _ value: JSONValue, extraHeaders: [(name: String, value: String)] = [])
        -> HTTPResponse
    {
        json(status, body: value.serialized(), extraHeaders: extraHeaders)
    }

    /// Builds a JSON response with an already serialised body.
    static func json(_ status: Int, body: Data, etag: String? = nil,
                     extraHeaders: [(name: String, value: String)] = []) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Access-Control-Allow-Origin", "*"),
            ("ETag", etag ?? entityTag(of: body)),
        ]
        headers += extraHeaders
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// Builds an error response: `{"message": message}`, plus `errors` for validation failures.
    static func error(_ status: Int, _ message: String, errors: [String: [String]]? = nil,
                      extraHeaders: [(name: String, value: String)] = []) -> HTTPResponse {
        var body: [String: JSONValue] = ["message": .string(message)]
        if let errors {
            body["errors"] = .object(errors.mapValues { .array($0.map { .string($0) }) })
        }
        return json(status, .object(body), extraHeaders: extraHeaders)
    }

    /// Builds the 304 response to a GET whose `If-None-Match` lists the current entity tag.
    static func notModified(etag: String) -> HTTPResponse {
        HTTPResponse(status: 304, headers: [("Access-Control-Allow-Origin", "*"), ("ETag", etag)])
    }

    /// Computes a strong entity tag of `body`: the 64-bit FNV-1a hash in hex, quoted. It
    /// distinguishes versions of one resource but is not a cryptographic digest.
    static func entityTag(of body: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// True when the `If-None-Match` header `value` matches `etag` (weak comparison, which
    /// RFC 9110 section 13.1.2 specifies for this header).
    static func matches(ifNoneMatch value: String, etag: String) -> Bool {
        for candidate in value.split(separator: ",") {
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag == etag { return true }
        }
        return false
    }
}
