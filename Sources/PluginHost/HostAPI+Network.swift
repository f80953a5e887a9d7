import AWSClient
import Foundation
import PluginABI

// host_aws_request and host_http_request: convert the plugin's C request, call the host's
// network services and fill the plugin's ecss_http_response.

/// The part of `ecss_aws_request` that ABI 1.0 requires (up to and including `region`).
private let awsRequestMinimumSize = MemoryLayout<ecss_aws_request>.offset(of: \.region)!
    + MemoryLayout<UnsafePointer<CChar>?>.size
private let httpRequestMinimumSize = MemoryLayout<ecss_http_request>.offset(of: \.ca_file)!
    + MemoryLayout<UnsafePointer<CChar>?>.size
private let responseMinimumSize = MemoryLayout<ecss_http_response>.offset(of: \.request_id)!
    + MemoryLayout<UnsafeMutablePointer<CChar>?>.size

func hostAWSRequest(_ handle: OpaquePointer?, _ request: UnsafePointer<ecss_aws_request>?,
                    _ response: UnsafeMutablePointer<ecss_http_response>?,
                    _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
    guard let call = acceptCall("host_aws_request", requestType: "ecss_aws_request", handle: handle,
                                response: response, errorOut: errorOut, read: { awsRequest(from: request) })
    else { return ECSS_INVALID }

    do throws(AWSError) {
        let reply = try call.plugin.network.sendAWS(call.request)
        fill(call.response, with: reply)
        return ECSS_OK
    } catch {
        fill(call.response, with: error.response ?? AWSResponse(status: error.status), errorCode: error.code)
        setErrorOut(errorOut, pluginMessage(for: error))
        return status(for: error)
    }
}

func hostHTTPRequest(_ handle: OpaquePointer?, _ request: UnsafePointer<ecss_http_request>?,
                     _ response: UnsafeMutablePointer<ecss_http_response>?,
                     _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
    guard let call = acceptCall("host_http_request", requestType: "ecss_http_request", handle: handle,
                                response: response, errorOut: errorOut, read: { httpRequest(from: request) })
    else { return ECSS_INVALID }

    do throws(HTTPClientError) {
        let reply = try call.plugin.network.sendHTTP(call.request)
        fill(call.response, status: reply.status, headers: reply.headers, body: reply.body)
        return ECSS_OK
    } catch {
        // Every failure but a malformed request means that no response arrived.
        fill(call.response, status: 0)
        setErrorOut(errorOut, error.message)
        return error.code == .invalidRequest ? ECSS_INVALID : ECSS_RETRY
    }
}

/// A host_aws_request or host_http_request call whose handle, response and request passed
/// the checks of `acceptCall`.
private struct AcceptedCall<Request> {
    let plugin: PluginHandle
    let response: UnsafeMutablePointer<ecss_http_response>
    let request: Request
}

/// Checks the handle and the response struct of a `function` call, clears the response, and
/// reads the plugin's request with `read`.
/// - Returns: nil when a check fails, and the caller then returns `ECSS_INVALID`. By then the
///   error message is set, and the response, when there is one, is filled as empty.
private func acceptCall<Request>(
    _ function: String, requestType: String, handle: OpaquePointer?,
    response: UnsafeMutablePointer<ecss_http_response>?,
    errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    read: () -> Result<Request, RequestProblem>
) -> AcceptedCall<Request>? {
    errorOut?.pointee = nil
    guard let plugin = PluginHandle.from(handle) else {
        setErrorOut(errorOut, "\(function) needs the ecss_host_handle passed to on_init or on_open")
        return nil
    }
    guard let response, structSize(response) >= responseMinimumSize else {
        setErrorOut(errorOut, "\(function) needs a response with struct_size = sizeof(ecss_http_response)")
        return nil
    }
    clearResponse(response)
    switch read() {
    case .success(let request):
        return AcceptedCall(plugin: plugin, response: response, request: request)
    case .failure(let problem):
        fill(response, status: 0)
        setErrorOut(errorOut, "invalid \(function): \(problem); fix the \(requestType)")
        return nil
    }
}

/// Maps a failed AWS request to the status the header promises.
func status(for error: AWSError) -> ecss_status {
    if error.kind == .invalidRequest { return ECSS_INVALID }
    if error.status == 404 { return ECSS_NOT_FOUND }
    if error.status == 409 || error.status == 412 || error.code == "ConditionalCheckFailedException" {
        return ECSS_CONFLICT
    }
    if error.isRetryable { return ECSS_RETRY }
    return ECSS_ERROR
}

/// Formats the message host_aws_request returns for a failed request: the signing name,
/// operation, status, error code, message and request id, each when known.
private func pluginMessage(for error: AWSError) -> String {
    var text = "\(error.service) \(error.operation) failed"
    if error.status != 0 { text += " with HTTP \(error.status)" }
    if let code = error.code { text += " \(code)" }
    if !error.message.isEmpty { text += ": \(error.message)" }
    if let requestID = error.requestID { text += " (request id \(requestID))" }
    return text
}

/// A problem with a request struct, for the plugin's error message.
private struct RequestProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private func awsRequest(from pointer: UnsafePointer<ecss_aws_request>?) -> Result<AWSRequest, RequestProblem> {
    guard let pointer else { return .failure(RequestProblem("the request is NULL")) }
    let size = structSize(pointer)
    guard size >= awsRequestMinimumSize else {
        return .failure(RequestProblem("struct_size is \(size); set it to sizeof(ecss_aws_request)"))
    }
    let request = readStruct(pointer, size: size)
    guard let service = request.service, service.pointee != 0 else {
        return .failure(RequestProblem("service is missing"))
    }
    guard let method = request.method, method.pointee != 0 else {
        return .failure(RequestProblem("method is missing"))
    }
    guard request.body != nil || request.body_length == 0 else {
        return .failure(RequestProblem("body is NULL but body_length is \(request.body_length)"))
    }
    let headers = headerDictionary(request.headers)
    let methodName = String(cString: method)
    let path = request.path.map { String(cString: $0) } ?? "/"
    let operation = request.operation.map { String(cString: $0) }
        ?? operationName(fromTarget: headers.first { $0.key.lowercased() == "x-amz-target" }?.value)
        ?? "\(methodName) \(path)"
    return .success(AWSRequest(
        service: String(cString: service), operation: operation, method: methodName, path: path,
        query: request.query.map { String(cString: $0) }, headers: headers,
        body: request.body.map { Data(bytes: $0, count: request.body_length) } ?? Data(),
        region: request.region.map { String(cString: $0) }))
}

private func httpRequest(from pointer: UnsafePointer<ecss_http_request>?) -> Result<HTTPRequest, RequestProblem> {
    guard let pointer else { return .failure(RequestProblem("the request is NULL")) }
    let size = structSize(pointer)
    guard size >= httpRequestMinimumSize else {
        return .failure(RequestProblem("struct_size is \(size); set it to sizeof(ecss_http_request)"))
    }
    let request = readStruct(pointer, size: size)
    guard let method = request.method, method.pointee != 0 else {
        return .failure(RequestProblem("method is missing"))
    }
    guard let url = request.url, url.pointee != 0 else { return .failure(RequestProblem("url is missing")) }
    guard request.body != nil || request.body_length == 0 else {
        return .failure(RequestProblem("body is NULL but body_length is \(request.body_length)"))
    }
    let timeout: Duration = request.timeout_ms == 0 ? .seconds(30) : .milliseconds(Int64(request.timeout_ms))
    // As for AWS requests, a repeated header name keeps its last value.
    let headers = headerDictionary(request.headers).sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    return .success(HTTPRequest(
        method: String(cString: method), url: String(cString: url), headers: headers,
        body: request.body.map { Data(bytes: $0, count: request.body_length) } ?? Data(),
        timeout: timeout, verifiesTLS: request.verify_tls, caFile: request.ca_file.map { String(cString: $0) }))
}

/// Reads the `struct_size` field at the start of a plugin's struct without reading more of
/// it, because the struct may be smaller than the host's definition.
func structSize<T>(_ pointer: UnsafePointer<T>) -> Int {
    Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
}

func structSize<T>(_ pointer: UnsafeMutablePointer<T>) -> Int {
    structSize(UnsafePointer(pointer))
}

/// Copies the first `size` bytes of a plugin's struct into a zeroed host struct, so fields
/// the plugin was compiled without read as zero.
func readStruct<T>(_ pointer: UnsafePointer<T>, size: Int) -> T {
    let local = UnsafeMutablePointer<T>.allocate(capacity: 1)
    defer { local.deallocate() }
    memset(local, 0, MemoryLayout<T>.size)
    memcpy(local, pointer, min(size, MemoryLayout<T>.size))
    return local.pointee
}

/// Reads a NULL-terminated array of "Name: value" lines; lines without a colon are skipped.
private func headerDictionary(_ lines: UnsafePointer<UnsafePointer<CChar>?>?) -> [String: String] {
    guard var cursor = lines else { return [:] }
    var headers: [String: String] = [:]
    while let line = cursor.pointee {
        let text = String(cString: line)
        if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].trimmingCharacters(in: .whitespaces)
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { headers[name] = value }
        }
        cursor += 1
    }
    return headers
}

/// "AmazonSQS.GetQueueUrl" -> "GetQueueUrl".
private func operationName(fromTarget target: String?) -> String? {
    guard let target, let name = target.split(separator: ".").last, !name.isEmpty else { return nil }
    return String(name)
}

private func clearResponse(_ response: UnsafeMutablePointer<ecss_http_response>) {
    response.pointee.status = 0
    response.pointee.headers = nil
    response.pointee.body = nil
    response.pointee.body_length = 0
    response.pointee.error_code = nil
    response.pointee.request_id = nil
}

private func fill(_ response: UnsafeMutablePointer<ecss_http_response>, with reply: AWSResponse,
                  errorCode: String? = nil) {
    fill(response, status: reply.status, headers: reply.headers, body: reply.body, requestID: reply.requestID,
         errorCode: errorCode)
}

private func fill(_ response: UnsafeMutablePointer<ecss_http_response>, status: Int, headers: [String: String] = [:],
                  body: Data = Data(), requestID: String? = nil, errorCode: String? = nil) {
    let headerText = headers.sorted { $0.key < $1.key }
        .map { "\($0.key.lowercased()): \($0.value)\r\n" }
        .joined()
    response.pointee.status = Int32(clamping: status)
    response.pointee.headers = mallocCString(headerText)
    response.pointee.body = mallocBytes(body)
    response.pointee.body_length = body.count
    response.pointee.error_code = errorCode.map(mallocCString)
    response.pointee.request_id = requestID.map(mallocCString)
}
