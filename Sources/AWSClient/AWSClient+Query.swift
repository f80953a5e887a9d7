import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

extension AWSClient {
    /// Calls an operation of a service that speaks the AWS Query protocol (STS, IAM).
    ///
    /// - Parameters:
    ///   - version: the API version ("2011-06-15" for STS, "2010-05-08" for IAM).
    ///   - parameters: the operation's parameters, flattened as the protocol defines
    ///     (`Tags.member.1.Key`).
    /// - Returns: the `<OperationResult>` element, or the root element when there is none.
    public func queryCall(service: String, operation: String, version: String,
                          parameters: [String: String] = [:], region: String? = nil) throws(AWSError) -> XMLElement {
        let request = QueryProtocol.request(service: service, operation: operation, version: version,
                                            parameters: parameters, region: region)
        let response = try send(request)
        return try QueryProtocol.result(of: response, service: service, operation: operation)
    }
}
