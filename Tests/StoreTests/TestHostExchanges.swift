import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PluginABI
import TestSupport

/// host_http_request of the test host: one URLSession request, the response copied into
/// malloc'd memory as the ABI describes it.
enum TestHTTPExchange {
    static func send(_ request: ecss_http_request, into response: UnsafeMutablePointer<ecss_http_response>,
                     errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
        guard let url = URL(string: String(cString: request.url)) else {
            errorOut?.pointee = strdup("invalid URL")
            return ECSS_INVALID
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = String(cString: request.method)
        urlRequest.timeoutInterval = request.timeout_ms == 0 ? 30 : Double(request.timeout_ms) / 1000
        addHeaders(request.headers, to: &urlRequest)
        if let body = request.body, request.body_length > 0 {
            urlRequest.httpBody = Data(bytes: body, count: request.body_length)
        }
        return exchange(urlRequest, into: response, errorOut: errorOut)
    }

    static func addHeaders(_ headers: UnsafePointer<UnsafePointer<CChar>?>?, to request: inout URLRequest) {
        var index = 0
        while let line = headers?[index] {
            let text = String(cString: line)
            if let colon = text.firstIndex(of: ":") {
                let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                request.addValue(value, forHTTPHeaderField: String(text[..<colon]))
            }
            index += 1
        }
    }

    /// Sends `request` and fills `response`; ECSS_RETRY when no response arrived.
    static func exchange(_ request: URLRequest, into response: UnsafeMutablePointer<ecss_http_response>,
                         errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
        do {
            let (status, body, headers) = try sendWithHeaders(request)
            fill(response, status: status, body: body, headers: headers)
            return ECSS_OK
        } catch {
            fill(response, status: 0, body: Data(), headers: "")
            errorOut?.pointee = strdup("\(request.httpMethod ?? "GET") \(request.url?.absoluteString ?? "") failed: \(error)")
            return ECSS_RETRY
        }
    }

    static func fill(_ response: UnsafeMutablePointer<ecss_http_response>, status: Int, body: Data, headers: String) {
        response.pointee.status = Int32(status)
        response.pointee.headers = strdup(headers)
        let memory = malloc(body.count + 1)!.assumingMemoryBound(to: UInt8.self)
        body.copyBytes(to: memory, count: body.count)
        memory[body.count] = 0
        response.pointee.body = memory
        response.pointee.body_length = body.count
    }

    private static func sendWithHeaders(_ request: URLRequest) throws -> (Int, Data, String) {
        final class Box: @unchecked Sendable { var result: Result<(Int, Data, String), Error>? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error {
                box.result = .failure(error)
            } else {
                let http = response as? HTTPURLResponse
                let headers = (http?.allHeaderFields ?? [:]).map { "\($0.key): \($0.value)\r\n" }.joined()
                box.result = .success((http?.statusCode ?? 0, data ?? Data(), headers))
            }
            done.signal()
        }.resume()
        done.wait()
        return try box.result!.get()
    }
}

/// host_aws_request of the test host: the request sent unsigned to an emulator, with a
/// credential scope in the Authorization header so that moto can tell the service, and the
/// status mapped as ecss_plugin.h describes it.
enum TestAWSExchange {
    static func send(_ request: ecss_aws_request, endpoint: String, into response: UnsafeMutablePointer<ecss_http_response>,
                     errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
        let service = String(cString: request.service)
        let region = request.region.map { String(cString: $0) } ?? "us-east-1"
        var text = endpoint + String(cString: request.path)
        if let query = request.query { text += "?" + String(cString: query) }
        var urlRequest = URLRequest(url: URL(string: text)!)
        urlRequest.httpMethod = String(cString: request.method)
        TestHTTPExchange.addHeaders(request.headers, to: &urlRequest)
        urlRequest.addValue("AWS4-HMAC-SHA256 Credential=testing/20240101/\(region)/\(service)/aws4_request, "
                            + "SignedHeaders=host, Signature=0", forHTTPHeaderField: "Authorization")
        urlRequest.addValue("20240101T000000Z", forHTTPHeaderField: "X-Amz-Date")
        // moto waits for open keep-alive connections when it is told to stop, so close each one.
        urlRequest.addValue("close", forHTTPHeaderField: "Connection")
        if let body = request.body, request.body_length > 0 {
            urlRequest.httpBody = Data(bytes: body, count: request.body_length)
        }

        let status = TestHTTPExchange.exchange(urlRequest, into: response, errorOut: errorOut)
        guard status == ECSS_OK else { return status }
        let httpStatus = Int(response.pointee.status)
        guard !(200..<300).contains(httpStatus) else { return ECSS_OK }

        let body = Data(bytes: response.pointee.body, count: response.pointee.body_length)
        let code = errorCode(body)
        response.pointee.error_code = code.map { strdup($0) }
        errorOut?.pointee = strdup("\(service) \(urlRequest.httpMethod!) \(String(cString: request.path)) returned "
                                   + "HTTP \(httpStatus) \(code ?? "")")
        switch (httpStatus, code) {
        case (404, _): return ECSS_NOT_FOUND
        case (409, _), (412, _), (_, "ConditionalCheckFailedException"): return ECSS_CONFLICT
        case (429, _), (500..., _): return ECSS_RETRY
        default: return ECSS_ERROR
        }
    }

    /// The AWS error code of a JSON (`__type`) or XML (`<Code>`) error body.
    private static func errorCode(_ body: Data) -> String? {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let type = object["__type"] as? String {
            return type.split(separator: "#").last.map(String.init)
        }
        let text = String(decoding: body, as: UTF8.self)
        guard let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex) else {
            return nil
        }
        return String(text[start.upperBound..<end.lowerBound])
    }
}
