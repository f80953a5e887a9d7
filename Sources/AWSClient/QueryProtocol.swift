import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The AWS Query protocol (STS, IAM): form-encoded POST parameters, XML responses.
enum QueryProtocol {
    /// Builds the request for `operation` with its parameters.
    static func request(service: String, operation: String, version: String, parameters: [String: String],
                        region: String? = nil) -> AWSRequest {
        var all = parameters
        all["Action"] = operation
        all["Version"] = version
        let body = all.sorted { $0.key < $1.key }
            .map { "\(SigV4Signer.percentEncode($0.key, keepingSlashes: false))=\(SigV4Signer.percentEncode($0.value, keepingSlashes: false))" }
            .joined(separator: "&")
        return AWSRequest(service: service, operation: operation, method: "POST", path: "/",
                          headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
                          body: Data(body.utf8), region: region)
    }

    /// Finds the `<OperationResult>` element of a response, or the root when there is none.
    /// - Throws: `AWSError` of kind `.invalidResponse` when the body is not XML.
    static func result(of response: AWSResponse, service: String, operation: String) throws(AWSError) -> XMLElement {
        guard let root = XMLBody.root(response.body) else {
            throw AWSError(kind: .invalidResponse, service: service, operation: operation, status: response.status,
                           message: "the response body is not XML", requestID: response.requestID, response: response)
        }
        return root.child("\(operation)Result") ?? root
    }
}
