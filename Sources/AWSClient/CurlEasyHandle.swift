import CCurl
import Foundation

/// One libcurl easy handle and the connections it keeps open.
///
/// Marked `@unchecked Sendable` because `CurlHandlePool` moves handles between threads;
/// the pool guarantees that only one thread uses a handle at a time.
final class CurlEasyHandle: @unchecked Sendable {
    private let raw: UnsafeMutableRawPointer
    private var isClosed = false

    init() {
        guard let handle = curl_easy_init() else {
            // curl_easy_init returns NULL only when it cannot allocate or set up a handle,
            // and nothing can continue after that.
            preconditionFailure("curl_easy_init failed")
        }
        raw = handle
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        curl_easy_cleanup(raw)
    }

    /// Sends `request` and reads the whole response.
    func perform(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        // curl_easy_reset clears every option but keeps the open connections and caches.
        curl_easy_reset(raw)

        let collector = BodyCollector()
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            curl_slist_free_all(headerList)
            errorBuffer.deallocate()
        }

        try check(ccurl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer), "error buffer")
        try setOptions(for: request)
        headerList = try headerLines(for: request)
        try check(ccurl_setopt_pointer(raw, CURLOPT_HTTPHEADER, headerList), "headers")
        try check(ccurl_set_write_callback(raw, appendBody, Unmanaged.passUnretained(collector).toOpaque()),
                  "write callback")

        let code = withExtendedLifetime(collector) { curl_easy_perform(raw) }
        guard code == CURLE_OK else {
            throw Self.error(code, detail: String(cString: errorBuffer), url: request.url)
        }

        var status = 0
        _ = ccurl_get_response_code(raw, &status)
        return HTTPResponse(status: status, headerLines: receivedHeaders(), body: collector.body)
    }

    /// Sets the URL, method, body, timeouts and TLS options.
    private func setOptions(for request: HTTPRequest) throws(HTTPClientError) {
        try check(ccurl_setopt_string(raw, CURLOPT_URL, request.url), "URL \(request.url)")
        try check(ccurl_setopt_long(raw, CURLOPT_NOSIGNAL, 1), "no signals")
        try check(ccurl_setopt_string(raw, CURLOPT_PROTOCOLS_STR, "http,https"), "protocols")
        try check(ccurl_setopt_long(raw, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)), "timeout")
        try check(ccurl_setopt_long(raw, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)),
                  "connect timeout")
        try check(ccurl_setopt_long(raw, CURLOPT_SSL_VERIFYPEER, request.verifiesTLS ? 1 : 0), "TLS verification")
        try check(ccurl_setopt_long(raw, CURLOPT_SSL_VERIFYHOST, request.verifiesTLS ? 2 : 0), "TLS host check")
        if let caFile = request.caFile {
            try check(ccurl_setopt_string(raw, CURLOPT_CAINFO, caFile), "CA file \(caFile)")
        }
        try setMethodAndBody(request)
    }

    private func setMethodAndBody(_ request: HTTPRequest) throws(HTTPClientError) {
        let method = request.method.uppercased()
        guard !method.isEmpty, method.allSatisfy({ $0.isLetter }) else {
            throw HTTPClientError(.invalidRequest, "invalid HTTP method \"\(request.method)\"")
        }
        if method == "HEAD" {
            try check(ccurl_setopt_long(raw, CURLOPT_NOBODY, 1), "method HEAD")
            return
        }
        let sendsBody = !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(method)
        if sendsBody {
            try check(ccurl_setopt_offset(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "body size")
            // COPYPOSTFIELDS copies the bytes, so the body need not outlive this call, but it
            // needs a valid pointer even for an empty body.
            var body = request.body.isEmpty ? Data([0]) : request.body
            let code = body.withUnsafeMutableBytes { bytes in
                ccurl_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress)
            }
            try check(code, "body")
        } else if method == "GET" {
            try check(ccurl_setopt_long(raw, CURLOPT_HTTPGET, 1), "method GET")
        }
        if method != "GET" && !(method == "POST" && sendsBody) {
            try check(ccurl_setopt_string(raw, CURLOPT_CUSTOMREQUEST, method), "method \(method)")
        }
    }

    /// Builds the header list. Curl's own `Expect: 100-continue` and default form content
    /// type are switched off, because signed requests must go out exactly as signed.
    private func headerLines(for request: HTTPRequest) throws(HTTPClientError) -> UnsafeMutablePointer<curl_slist>? {
        var lines: [String] = []
        for (name, value) in request.headers {
            guard Self.isValidHeaderName(name), !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                throw HTTPClientError(.invalidRequest, "invalid HTTP header \"\(name)\": names must be tokens and values one line")
            }
            // "Name;" is curl's way to send a header with an empty value.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        let names = Set(request.headers.map { $0.name.lowercased() })
        if !names.contains("expect") { lines.append("Expect:") }
        if !names.contains("content-type") { lines.append("Content-Type:") }

        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let extended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                preconditionFailure("curl_slist_append failed: out of memory")
            }
            list = extended
        }
        return list
    }

    /// Reads the header lines of the final response (after any 1xx responses), as received.
    private func receivedHeaders() -> [(name: String, value: String)] {
        var lines: [(name: String, value: String)] = []
        var previous: UnsafeMutablePointer<curl_header>?
        while let header = curl_easy_nextheader(raw, UInt32(CURLH_HEADER), -1, previous) {
            lines.append((String(cString: header.pointee.name), String(cString: header.pointee.value)))
            previous = header
        }
        return lines
    }

    private func check(_ code: CURLcode, _ what: @autoclosure () -> String) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            let reason = String(cString: curl_easy_strerror(code))
            throw HTTPClientError(.invalidRequest, "libcurl rejected the \(what()): \(reason)", curlCode: Int(code.rawValue))
        }
    }

    /// Converts a timeout to curl's milliseconds, at least 1 because 0 means no limit.
    private static func milliseconds(_ duration: Duration) -> Int {
        max(1, Int((duration.timeInterval * 1000).rounded(.up)))
    }

    private static func isValidHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7f && !"()<>@,;:\\\"/[]?={}".utf8.contains(byte)
        }
    }

    /// Maps a libcurl failure to an `HTTPClientError` with curl's detail.
    private static func error(_ code: CURLcode, detail: String, url: String) -> HTTPClientError {
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let kind: HTTPClientError.Code
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timedOut
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
             CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE,
             CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            kind = .connectionFailed
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            kind = .tlsFailed
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            kind = .invalidRequest
        default:
            kind = .failed
        }
        return HTTPClientError(kind, "request to \(url) failed: \(reason)", curlCode: Int(code.rawValue))
    }
}

/// The response body as it arrives; curl's write callback appends to it.
private final class BodyCollector {
    var body = Data()
}

private func appendBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                        _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let collector = Unmanaged<BodyCollector>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        collector.body.append(bytes, count: length)
    }
    return length
}
