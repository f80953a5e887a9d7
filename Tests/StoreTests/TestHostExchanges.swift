import AWSClient
import Foundation
import PluginABI
import Synchronization
import TestSupport

/// host_http_request of the test host: one request through the AWS client's libcurl
/// `HTTPClient`, the response copied into malloc'd memory as the ABI describes it.
enum TestHTTPExchange {
    static let client = HTTPClient()

    static func send(_ request: ecss_http_request, into response: UnsafeMutablePointer<ecss_http_response>,
                     errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
        let timeout: Duration = request.timeout_ms == 0 ? .seconds(30) : .milliseconds(Int(request.timeout_ms))
        let httpRequest = HTTPRequest(
            method: String(cString: request.method),
            url: String(cString: request.url),
            headers: headerPairs(request.headers),
            body: request.body.map { Data(bytes: $0, count: request.body_length) } ?? Data(),
            timeout: timeout,
            verifiesTLS: request.verify_tls,
            caFile: request.ca_file.map { String(cString: $0) }
        )
        do {
            let reply = try client.send(httpRequest)
            fill(response, status: reply.status, body: reply.body, headers: reply.headerLines)
            return ECSS_OK
        } catch {
            fill(response, status: 0, body: Data(), headers: [])
            errorOut?.pointee = strdup("\(httpRequest.method) \(httpRequest.url) failed: \(error.message)")
            return error.code == .invalidRequest ? ECSS_INVALID : ECSS_RETRY
        }
    }

    /// Splits "Name: value" lines into pairs.
    static func headerPairs(_ headers: UnsafePointer<UnsafePointer<CChar>?>?) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        var index = 0
        while let line = headers?[index] {
            let text = String(cString: line)
            if let colon = text.firstIndex(of: ":") {
                pairs.append((String(text[..<colon]), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            index += 1
        }
        return pairs
    }

    static func fill(_ response: UnsafeMutablePointer<ecss_http_response>, status: Int, body: Data,
                     headers: [(name: String, value: String)]) {
        response.pointee.status = Int32(status)
        response.pointee.headers = strdup(headers.map { "\($0.name): \($0.value)\r\n" }.joined())
        let memory = malloc(body.count + 1)!.assumingMemoryBound(to: UInt8.self)
        body.copyBytes(to: memory, count: body.count)
        memory[body.count] = 0
        response.pointee.body = memory
        response.pointee.body_length = body.count
    }
}

/// host_aws_request of the test host: the request signed and sent by the AWS client to the
/// emulator named by the handle's `test.aws_endpoint` setting, with the status mapped as
/// ecss_plugin.h describes it.
enum TestAWSExchange {
    /// One client per endpoint and region.
    private static let clients = Mutex<[String: AWSClient]>([:])

    static func send(_ request: ecss_aws_request, endpoint: String, region: String,
                     into response: UnsafeMutablePointer<ecss_http_response>,
                     errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
        let awsRequest = AWSRequest(
            service: String(cString: request.service),
            operation: operationName(request),
            method: String(cString: request.method),
            path: String(cString: request.path),
            query: request.query.map { String(cString: $0) },
            headers: Dictionary(TestHTTPExchange.headerPairs(request.headers).map { ($0.name, $0.value) }) { $1 },
            body: request.body.map { Data(bytes: $0, count: request.body_length) } ?? Data(),
            region: request.region.map { String(cString: $0) }
        )
        do {
            let reply = try client(endpoint: endpoint, region: region).send(awsRequest)
            TestHTTPExchange.fill(response, status: reply.status, body: reply.body, headers: reply.headers.map { ($0.key, $0.value) })
            return ECSS_OK
        } catch {
            let reply = error.response
            TestHTTPExchange.fill(response, status: reply?.status ?? 0, body: reply?.body ?? Data(),
                                  headers: (reply?.headers ?? [:]).map { ($0.key, $0.value) })
            response.pointee.error_code = error.code.map { strdup($0) }
            errorOut?.pointee = strdup(error.description)
            switch (error.kind, error.status, error.code) {
            case (.service, 404, _): return ECSS_NOT_FOUND
            case (.service, 409, _), (.service, 412, _), (.service, _, "ConditionalCheckFailedException"): return ECSS_CONFLICT
            case _ where error.isRetryable: return ECSS_RETRY
            default: return ECSS_ERROR
            }
        }
    }

    private static func client(endpoint: String, region: String) throws(AWSError) -> AWSClient {
        let key = "\(endpoint) \(region)"
        if let client = clients.withLock({ $0[key] }) { return client }
        let client = try AWSClient(environment: [
            "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": region,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        ])
        clients.withLock { $0[key] = client }
        return client
    }

    /// The operation for logs: the X-Amz-Target suffix, or the method and path.
    private static func operationName(_ request: ecss_aws_request) -> String {
        let target = TestHTTPExchange.headerPairs(request.headers).first { $0.name.lowercased() == "x-amz-target" }
        return target.map { String($0.value.split(separator: ".").last ?? "") }
            ?? "\(String(cString: request.method)) \(String(cString: request.path))"
    }
}
