import Foundation
import Logging

/// Signs, sends and retries AWS requests; the part of `AWSClient` that credential
/// providers also use (web identity calls STS unsigned).
final class AWSTransport: Sendable {
    let endpoints: EndpointResolver
    let retry: RetryStrategy
    let options: AWSClientOptions
    private let pool: CurlHandlePool
    private let logger = Logger(component: "aws")

    init(endpoints: EndpointResolver, retry: RetryStrategy, options: AWSClientOptions,
         pool: CurlHandlePool = .shared) {
        self.endpoints = endpoints
        self.retry = retry
        self.options = options
        self.pool = pool
    }

    /// Sends `request`, retrying retryable failures, and returns the 2xx response.
    ///
    /// - Parameters:
    ///   - region: the region to send to and sign for.
    ///   - credentials: signs each attempt with credentials from this provider; nil sends the
    ///     request unsigned.
    /// - Throws: `AWSError` for a non-2xx response (with the response), when no response
    ///   arrived after the last attempt, or when credentials are missing.
    func send(_ request: AWSRequest, region: String, credentials: (any AWSCredentialProvider)?) throws(AWSError) -> AWSResponse {
        var attempt = 1
        var retryCostTaken = 0
        while true {
            do throws(AWSError) {
                let response = try sendOnce(request, region: region, credentials: credentials)
                retry.recordSuccess(retryCostTaken: retryCostTaken)
                return response
            } catch {
                guard error.isRetryable, attempt < retry.maxAttempts, let cost = retry.acquireRetry(after: error) else {
                    logFailure(error, attempts: attempt)
                    throw error
                }
                retryCostTaken += cost
                let delay = retry.delay(afterAttempt: attempt)
                logRetry(error, attempt: attempt, delay: delay)
                Thread.sleep(forTimeInterval: delay.timeInterval)
                attempt += 1
            }
        }
    }

    /// Makes one attempt: resolves the endpoint, signs, sends, and turns a non-2xx status
    /// into an error.
    private func sendOnce(_ request: AWSRequest, region: String, credentials: (any AWSCredentialProvider)?) throws(AWSError) -> AWSResponse {
        var endpoint = endpoints.endpoint(service: request.service, region: region)
        var path = request.path.isEmpty ? "/" : request.path
        if request.service == "s3" {
            (endpoint, path) = EndpointResolver.s3Addressing(endpoint: endpoint, path: path)
        }
        let fullPath = endpoint.basePath + path

        let headers = try signedHeaders(request, endpoint: endpoint, path: fullPath, region: region, credentials: credentials)
        let httpRequest = HTTPRequest(method: request.method, url: endpoint.url(path: fullPath, query: request.query),
                                      headers: headers, body: request.body, timeout: options.requestTimeout,
                                      connectTimeout: options.connectTimeout, caFile: options.caFile)
        let httpResponse: HTTPResponse
        do throws(HTTPClientError) {
            httpResponse = try pool.perform(httpRequest)
        } catch {
            let kind: AWSError.Kind = error.code == .invalidRequest ? .invalidRequest : .connection
            throw AWSError(kind: kind, service: request.service, operation: request.operation,
                           message: error.message, transportError: error)
        }
        return try Self.response(httpResponse, for: request)
    }

    /// Builds the headers to send: `Host`, the request's own, and the signature when
    /// `credentials` is given.
    private func signedHeaders(_ request: AWSRequest, endpoint: Endpoint, path: String, region: String,
                               credentials: (any AWSCredentialProvider)?) throws(AWSError) -> [(name: String, value: String)] {
        // Host names the endpoint that is signed for, and curl writes Content-Length, so the
        // request's own values of both are dropped.
        var headers: [(name: String, value: String)] = [("Host", endpoint.hostHeader)]
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key })
        where !["host", "content-length"].contains(name.lowercased()) {
            headers.append((name, value))
        }
        guard let credentials else { return headers }

        let signingRegion = EndpointResolver.signingRegion(service: request.service, region: region, endpoint: endpoint)
        let signer = SigV4Signer(credentials: try credentials.credentials(), region: signingRegion, service: request.service)
        return signer.sign(method: request.method, path: path, query: request.query, headers: headers,
                           payload: request.body, date: Date()).headers
    }

    /// Wraps a 2xx response, or throws the service's error with the response attached.
    private static func response(_ httpResponse: HTTPResponse, for request: AWSRequest) throws(AWSError) -> AWSResponse {
        let headers = httpResponse.headers
        var response = AWSResponse(status: httpResponse.status, headers: headers, body: httpResponse.body,
                                   requestID: ErrorResponse.requestID(headers: headers))
        guard (200..<300).contains(httpResponse.status) else {
            let parsed = ErrorResponse(status: httpResponse.status, headers: headers, body: httpResponse.body)
            response.requestID = parsed.requestID
            throw AWSError(kind: .service, service: request.service, operation: request.operation,
                           status: httpResponse.status, code: parsed.code,
                           message: parsed.message ?? "",
                           requestID: parsed.requestID, response: response)
        }
        return response
    }

    private func logRetry(_ error: AWSError, attempt: Int, delay: Duration) {
        let milliseconds = Int((delay.timeInterval * 1000).rounded())
        logger.info("Retrying AWS request", [
            "aws.service": error.service, "aws.operation": error.operation, "attempt": String(attempt),
            "delay_ms": String(milliseconds), "http.status": String(error.status),
            "aws.error_code": error.code ?? "", "aws.request_id": error.requestID ?? "",
            "error": error.description,
        ])
    }

    /// Logs a request's final failure: at warning when retries could not get past it, at
    /// info for a response that the caller is expected to handle (a 4xx such as NoSuchKey).
    private func logFailure(_ error: AWSError, attempts: Int) {
        let level: LogLevel = error.isRetryable || error.kind != .service ? .warning : .info
        logger.log(level, "AWS request failed", [
            "aws.service": error.service, "aws.operation": error.operation, "attempts": String(attempts),
            "http.status": String(error.status), "aws.error_code": error.code ?? "",
            "aws.request_id": error.requestID ?? "", "error": error.description,
        ])
    }
}
