import AWSClient
import Foundation

/// The daemon's `HostNetworkServices`: plugins' AWS requests go through `AWSClient` (signing,
/// endpoints, retries) and their plain HTTP requests through `HTTPClient`.
public struct AWSNetworkServices: HostNetworkServices {
    private let client: AWSClient
    private let http: HTTPClient

    public init(client: AWSClient, http: HTTPClient = HTTPClient()) {
        self.client = client
        self.http = http
    }

    public func sendAWS(_ request: HostAWSRequest) throws(HostAWSError) -> HostResponse {
        let awsRequest = AWSRequest(
            service: request.service, operation: request.operation, method: request.method, path: request.path,
            query: request.query, headers: request.headers, body: request.body, region: request.region)
        do {
            return HostResponse(try client.send(awsRequest))
        } catch {
            throw HostAWSError(
                service: error.service, operation: error.operation, status: error.status, code: error.code,
                message: error.message, requestID: error.requestID, response: error.response.map(HostResponse.init),
                isRetryable: error.isRetryable, isInvalidRequest: error.kind == .invalidRequest)
        }
    }

    public func sendHTTP(_ request: HostHTTPRequest) throws(HostHTTPError) -> HostResponse {
        let httpRequest = HTTPRequest(
            method: request.method, url: request.url, headers: request.headers.map { (name: $0.key, value: $0.value) },
            body: request.body, timeout: request.timeout, verifiesTLS: request.verifyTLS, caFile: request.caFile)
        do {
            let response = try http.send(httpRequest)
            return HostResponse(status: response.status, headers: response.headers, body: response.body)
        } catch {
            throw HostHTTPError(error.code == .invalidRequest ? .invalidRequest : .noResponse, error.message)
        }
    }
}

extension HostResponse {
    init(_ response: AWSResponse) {
        self.init(status: response.status, headers: response.headers, body: response.body, requestID: response.requestID)
    }
}
