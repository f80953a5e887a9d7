import Foundation
import HTTPServer
import JobModel

/// Reads the JSON object of a POST or PUT body, or the error response to send instead.
enum RequestBody {
    static func jsonObject(of request: HTTPRequest) -> Result<[String: JSONValue], BodyError> {
        guard isJSONMediaType(request.header("Content-Type")) else {
            return .failure(BodyError(status: 415,
                message: "Header Content-Type: application/json is required to send a request body."))
        }
        guard !request.body.isEmpty else {
            return .failure(BodyError(status: 400, message: "The request body is empty; send a JSON object of job fields."))
        }
        guard String(validating: request.body, as: UTF8.self) != nil else {
            return .failure(BodyError(status: 400, message: "The request body is not valid UTF-8."))
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(request.body)
        } catch {
            return .failure(BodyError(status: 400, message: "The request body is not valid JSON; send a JSON object of job fields."))
        }
        guard case .object(let object) = value else {
            return .failure(BodyError(status: 400, message: "The request body must be a JSON object of job fields."))
        }
        return .success(object)
    }

    /// True for `application/json`, with an optional UTF-8 `charset` parameter.
    static func isJSONMediaType(_ header: String?) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { return false }
        for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
            let charset = parameter.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if charset != "utf-8", charset != "utf8" { return false }
        }
        return true
    }

    struct BodyError: Error {
        var status: Int
        var message: String
    }
}
