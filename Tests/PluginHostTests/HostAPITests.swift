import AWSClient
import Foundation
@testable import PluginHost
import PluginABI
import Synchronization
import Testing

/// Network services that return a fixed result and record the requests.
final class RecordingNetwork: HostNetworkServices {
    let awsResult: Result<AWSResponse, AWSError>
    let httpResult: Result<HTTPResponse, HTTPClientError>
    let awsRequests = Mutex<[AWSRequest]>([])
    let httpRequests = Mutex<[HTTPRequest]>([])

    init(aws: Result<AWSResponse, AWSError> = .success(AWSResponse(status: 200)),
         http: Result<HTTPResponse, HTTPClientError> = .success(HTTPResponse(status: 200))) {
        awsResult = aws
        httpResult = http
    }

    func sendAWS(_ request: AWSRequest) throws(AWSError) -> AWSResponse {
        awsRequests.withLock { $0.append(request) }
        return try awsResult.get()
    }

    func sendHTTP(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        httpRequests.withLock { $0.append(request) }
        return try httpResult.get()
    }
}

/// The result of one host_aws_request or host_http_request call, copied out of C memory.
struct CallResult {
    var status: ecss_status
    var responseStatus: Int32
    var headers: String?
    var body: String?
    var errorCode: String?
    var requestID: String?
    var error: String?
}

@Suite("Host API")
struct HostAPITests {
    let api = HostAPI.table.pointee

    /// Calls host_json_get and returns the status and value.
    func jsonGet(_ json: String, _ key: String) -> (ecss_status, String?) {
        var value: UnsafeMutablePointer<CChar>?
        let status = api.host_json_get(json, key, &value)
        defer { api.host_free(value) }
        return (status, value.map { String(cString: $0) })
    }

    /// Sends an SQS-style request through host_aws_request with `network` behind it.
    func awsCall(_ network: RecordingNetwork, responseSize: Int = MemoryLayout<ecss_http_response>.size,
                 operation: String? = nil) -> CallResult {
        let handle = PluginHandle(typeName: "test", settings: [:], network: network).retainedPointer()
        let body = Array(#"{"QueueName":"jobs"}"#.utf8)
        var response = ecss_http_response()
        response.struct_size = UInt32(responseSize)
        var error: UnsafeMutablePointer<CChar>?
        let headerLines = ["X-Amz-Target: AmazonSQS.GetQueueUrl", "Content-Type: application/x-amz-json-1.0"]
        let cHeaders: [UnsafeMutablePointer<CChar>?] = headerLines.map { strdup($0) } + [nil]
        defer { cHeaders.forEach { free($0) } }
        let status = cHeaders.withUnsafeBufferPointer { headers in
            body.withUnsafeBufferPointer { bodyBytes in
                operation.withOptionalCString { operationName in
                    var request = ecss_aws_request()
                    request.struct_size = UInt32(MemoryLayout<ecss_aws_request>.size)
                    return "sqs".withCString { service in
                        "POST".withCString { method in
                            "/".withCString { path in
                                request.service = service
                                request.method = method
                                request.path = path
                                request.headers = UnsafeRawPointer(headers.baseAddress!)
                                    .assumingMemoryBound(to: UnsafePointer<CChar>?.self)
                                request.body = bodyBytes.baseAddress
                                request.body_length = bodyBytes.count
                                request.operation = operationName
                                return api.host_aws_request(handle, &request, &response, &error)
                            }
                        }
                    }
                }
            }
        }
        defer {
            api.host_response_free(&response)
            api.host_free(error)
        }
        return CallResult(
            status: status, responseStatus: response.status, headers: response.headers.map { String(cString: $0) },
            body: response.body.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) },
            errorCode: response.error_code.map { String(cString: $0) },
            requestID: response.request_id.map { String(cString: $0) }, error: error.map { String(cString: $0) })
    }

    @Test("table states the host's ABI version")
    func tableVersion() {
        #expect(api.struct_size == UInt32(MemoryLayout<ecss_host_api>.size))
        #expect(api.abi_major == UInt16(ECSS_ABI_MAJOR))
        #expect(api.abi_minor == UInt16(ECSS_ABI_MINOR))
    }

    @Test("json get reads members as text")
    func jsonGetMembers() {
        let json = #"{"name": "jobs", "count": 250, "ratio": 0.5, "flag": true, "nested": {"a": [1, 2]}, "gone": null}"#
        #expect(jsonGet(json, "name") == (ECSS_OK, "jobs"))
        #expect(jsonGet(json, "count") == (ECSS_OK, "250"))
        #expect(jsonGet(json, "ratio") == (ECSS_OK, "0.5"))
        #expect(jsonGet(json, "flag") == (ECSS_OK, "true"))
        #expect(jsonGet(json, "nested") == (ECSS_OK, #"{"a":[1,2]}"#))
        #expect(jsonGet(json, "gone") == (ECSS_NOT_FOUND, nil))
        #expect(jsonGet(json, "absent") == (ECSS_NOT_FOUND, nil))
        #expect(jsonGet("[1, 2]", "name") == (ECSS_INVALID, nil))
        #expect(jsonGet("{not json", "name") == (ECSS_INVALID, nil))
    }

    @Test("config get reads the host settings")
    func configGet() {
        let handle = PluginHandle(typeName: "test", settings: ["aws.region": "eu-west-1"], network: RecordingNetwork())
            .retainedPointer()
        var value: UnsafeMutablePointer<CChar>?

        #expect(api.host_config_get(handle, "aws.region", &value) == ECSS_OK)
        #expect(value.map { String(cString: $0) } == "eu-west-1")
        api.host_free(value)
        value = nil
        #expect(api.host_config_get(handle, "ECSS_NAME", &value) == ECSS_NOT_FOUND)
        #expect(value == nil)
    }

    @Test("aws request passes the request through")
    func awsRequestSuccess() throws {
        let reply = AWSResponse(status: 200, headers: ["x-amzn-requestid": "req-1"],
                                body: Data(#"{"QueueUrl":"http://q"}"#.utf8), requestID: "req-1")
        let network = RecordingNetwork(aws: .success(reply))

        let result = awsCall(network)

        #expect(result.status == ECSS_OK)
        #expect(result.responseStatus == 200)
        #expect(result.body == #"{"QueueUrl":"http://q"}"#)
        #expect(result.headers == "x-amzn-requestid: req-1\r\n")
        #expect(result.requestID == "req-1")
        #expect(result.error == nil)
        let sent = try #require(network.awsRequests.withLock { $0.first })
        #expect(sent.service == "sqs")
        #expect(sent.operation == "GetQueueUrl")
        #expect(sent.method == "POST")
        #expect(sent.path == "/")
        #expect(sent.query == nil)
        #expect(sent.region == nil)
        #expect(sent.headers["X-Amz-Target"] == "AmazonSQS.GetQueueUrl")
        #expect(String(decoding: sent.body, as: UTF8.self) == #"{"QueueName":"jobs"}"#)
    }

    @Test("aws request names its operation")
    func awsRequestOperation() throws {
        let network = RecordingNetwork()
        _ = awsCall(network, operation: "ListQueues")
        #expect(network.awsRequests.withLock { $0.first?.operation } == "ListQueues")
    }

    @Test("aws failures map to statuses")
    func awsStatusMapping() {
        func failure(_ status: Int, _ code: String?) -> AWSError {
            AWSError(kind: .service, service: "sqs", operation: "GetQueueUrl", status: status, code: code,
                     message: "it failed", requestID: "req-9",
                     response: AWSResponse(status: status, body: Data("{}".utf8)))
        }
        let cases: [(AWSError, ecss_status)] = [
            (failure(404, "NotFound"), ECSS_NOT_FOUND),
            (failure(409, "BucketAlreadyExists"), ECSS_CONFLICT),
            (failure(412, "PreconditionFailed"), ECSS_CONFLICT),
            (failure(400, "ConditionalCheckFailedException"), ECSS_CONFLICT),
            (failure(503, "ServiceUnavailable"), ECSS_RETRY),
            (failure(400, "QueueDoesNotExist"), ECSS_ERROR),
        ]
        let invalid = AWSError(kind: .invalidRequest, service: "sqs", operation: "GetQueueUrl",
                               message: "the header name \"Bad Name\" is invalid")
        #expect(awsCall(RecordingNetwork(aws: .failure(invalid))).status == ECSS_INVALID)
        for (error, expected) in cases {
            let result = awsCall(RecordingNetwork(aws: .failure(error)))
            #expect(result.status == expected, "\(error)")
            #expect(result.responseStatus == Int32(error.status))
            #expect(result.errorCode == error.code)
            #expect(result.error == "sqs GetQueueUrl failed with HTTP \(error.status) \(error.code!): it failed (request id req-9)")
        }
    }

    @Test("aws failure without response")
    func awsNoResponse() {
        let error = AWSError(kind: .connection, service: "sqs", operation: "GetQueueUrl", message: "connection refused")

        let result = awsCall(RecordingNetwork(aws: .failure(error)))

        #expect(result.status == ECSS_RETRY)
        #expect(result.responseStatus == 0)
        #expect(result.body == "")
        #expect(result.headers == "")
        #expect(result.error == "sqs GetQueueUrl failed: connection refused")
    }

    @Test("aws request needs the response size")
    func awsResponseSizeUnset() {
        let network = RecordingNetwork()

        let result = awsCall(network, responseSize: 0)

        #expect(result.status == ECSS_INVALID)
        #expect(result.error?.contains("sizeof(ecss_http_response)") == true)
        #expect(network.awsRequests.withLock { $0.isEmpty })
    }

    @Test("http failures map to statuses")
    func httpStatusMapping() {
        let cases: [(HTTPClientError, ecss_status)] = [
            (HTTPClientError(.timedOut, "timed out after 30 s"), ECSS_RETRY),
            (HTTPClientError(.invalidRequest, "invalid URL"), ECSS_INVALID),
        ]
        for (error, expected) in cases {
            let network = RecordingNetwork(http: .failure(error))
            let handle = PluginHandle(typeName: "test", settings: [:], network: network).retainedPointer()
            var response = ecss_http_response()
            response.struct_size = UInt32(MemoryLayout<ecss_http_response>.size)
            var message: UnsafeMutablePointer<CChar>?
            var request = ecss_http_request()
            request.struct_size = UInt32(MemoryLayout<ecss_http_request>.size)
            let status = "GET".withCString { method in
                "http://127.0.0.1:9/".withCString { url in
                    request.method = method
                    request.url = url
                    return api.host_http_request(handle, &request, &response, &message)
                }
            }
            #expect(status == expected)
            #expect(message.map { String(cString: $0) } == error.message)
            #expect(network.httpRequests.withLock { $0.first?.timeout } == .seconds(30))
            api.host_response_free(&response)
            api.host_free(message)
        }
    }
}

private extension Optional where Wrapped == String {
    func withOptionalCString<Result>(_ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        switch self {
        case .some(let text): return text.withCString { body($0) }
        case .none: return body(nil)
        }
    }
}
