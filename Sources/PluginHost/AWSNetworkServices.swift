import AWSClient

/// The daemon's `HostNetworkServices`: plugins' AWS requests go through `AWSClient` (signing,
/// endpoints, retries) and their plain HTTP requests through `HTTPClient`.
public struct AWSNetworkServices: HostNetworkServices {
    private let client: AWSClient
    private let http: HTTPClient

    public init(client: AWSClient, http: HTTPClient = HTTPClient()) {
        self.client = client
        self.http = http
    }

    public func sendAWS(_ request: AWSRequest) throws(AWSError) -> AWSResponse {
        try client.send(request)
    }

    public func sendHTTP(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        try http.send(request)
    }
}
