import Foundation

/// The code, message and request id read from an AWS error response, in any of the
/// protocols' shapes.
struct ErrorResponse {
    var code: String?
    var message: String?
    var requestID: String?

    /// Reads a JSON error (`__type` and `message`), an S3 error (`<Error><Code>`), a Query
    /// error (`<ErrorResponse><Error><Code>`), or, for bodiless responses such as HEAD, a
    /// code named after the status.
    init(status: Int, headers: [String: String], body: Data) {
        requestID = Self.requestID(headers: headers)
        if let first = body.first(where: { !($0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09) }) {
            if first == UInt8(ascii: "{") {
                readJSON(body)
            } else if first == UInt8(ascii: "<") {
                readXML(body)
            }
        }
        if code == nil, let type = headers["x-amzn-errortype"] {
            code = Self.shapeName(type)
        }
        if code == nil, body.isEmpty {
            code = Self.codeForBodilessStatus[status]
        }
    }

    /// Reads the request id from the headers that services use.
    static func requestID(headers: [String: String]) -> String? {
        headers["x-amzn-requestid"] ?? headers["x-amz-request-id"] ?? headers["x-amzn-request-id"]
    }

    private mutating func readJSON(_ body: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return }
        if let type = (object["__type"] ?? object["code"] ?? object["Code"]) as? String {
            code = Self.shapeName(type)
        }
        message = (object["message"] ?? object["Message"] ?? object["errorMessage"]) as? String
    }

    private mutating func readXML(_ body: Data) {
        guard let root = XMLBody.root(body) else { return }
        // S3 returns <Error>, the Query protocol <ErrorResponse><Error>, and some services
        // <ErrorResponse><Errors><Error>.
        let error = (root.localName ?? root.name) == "Error" ? root : root.child("Error") ?? root.descendant("Errors", "Error")
        code = error?.text(of: "Code")
        message = error?.text(of: "Message")
        if requestID == nil {
            requestID = root.text(of: "RequestId") ?? error?.text(of: "RequestId")
                ?? root.descendant("ResponseMetadata", "RequestId")?.stringValue
        }
    }

    /// Extracts the shape name from a JSON error type, which is its last part in both
    /// `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` and
    /// `ValidationException:http://internal.amazon.com/`.
    static func shapeName(_ type: String) -> String {
        var name = Substring(type)
        if let hash = name.lastIndex(of: "#") {
            name = name[name.index(after: hash)...]
        }
        if let colon = name.firstIndex(of: ":") {
            name = name[..<colon]
        }
        return String(name)
    }

    /// Codes for error responses without a body (HEAD requests), as S3 documents them.
    static let codeForBodilessStatus: [Int: String] = [
        400: "BadRequest", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 412: "PreconditionFailed",
    ]
}
