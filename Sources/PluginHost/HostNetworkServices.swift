import AWSClient

/// The network calls that plugins make through the host API (`host_aws_request` and
/// `host_http_request`), in the AWS client's own request, response and error types.
///
/// The daemon implements it with its AWS client (`AWSNetworkServices`); tests pass fakes.
///
/// # Implementation requirements
/// Both methods are called from any thread, several at once, and block until the final
/// response (after any retries).
public protocol HostNetworkServices: Sendable {
    /// Signs `request` with the host's AWS credentials, sends it to the service's endpoint
    /// and retries it as the AWS SDKs do.
    /// - Returns: the response to a request that ended with a 2xx status.
    /// - Throws: `AWSError` for any other status, or when no response arrived.
    func sendAWS(_ request: AWSRequest) throws(AWSError) -> AWSResponse

    /// Sends a plain HTTP request once, without retries.
    /// - Returns: the response, whatever its status.
    /// - Throws: `HTTPClientError` when the request is malformed or no response arrived.
    func sendHTTP(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse
}
