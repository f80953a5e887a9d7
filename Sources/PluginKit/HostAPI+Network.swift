import Foundation

extension HostAPI {
    /// Sends a signed AWS request through host_aws_request and waits for the final response.
    /// - Throws: `PluginError` with the host's status (`.notFound`, `.conflict`, `.retry`,
    ///   `.error`, `.invalid`), the host's message and the response that arrived.
    public func sendAWS(_ call: AWSCall) throws(PluginError) -> HostResponse {
        var strings = CStringArena()
        defer { strings.free() }
        let headerLines = strings.nullTerminated(call.headers.map { "\($0.key): \($0.value)" })
        var request = ecss_aws_request()
        request.struct_size = UInt32(MemoryLayout<ecss_aws_request>.size)
        request.service = strings.copy(call.service)
        request.method = strings.copy(call.method)
        request.path = strings.copy(call.path)
        request.query = call.query.map { strings.copy($0) }
        request.headers = headerLines
        request.region = call.region.map { strings.copy($0) }
        request.operation = call.operation.map { strings.copy($0) }
        let result = call.body.withUnsafeBytes { bytes in
            request.body = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            request.body_length = bytes.count
            return exchange { response, errorOut in
                api.pointee.host_aws_request(handle, &request, response, errorOut)
            }
        }
        return try result.get()
    }

    /// Sends a plain HTTP request once through host_http_request.
    /// - Returns: the response, whatever its status.
    /// - Throws: `PluginError` with `.retry` when no response arrived, `.invalid` for a
    ///   malformed request.
    public func sendHTTP(_ call: HTTPCall) throws(PluginError) -> HostResponse {
        var strings = CStringArena()
        defer { strings.free() }
        var request = ecss_http_request()
        request.struct_size = UInt32(MemoryLayout<ecss_http_request>.size)
        request.method = strings.copy(call.method)
        request.url = strings.copy(call.url)
        request.headers = strings.nullTerminated(call.headers.map { "\($0.key): \($0.value)" })
        request.timeout_ms = call.timeoutMilliseconds
        request.verify_tls = call.verifyTLS
        request.ca_file = call.caFile.map { strings.copy($0) }
        let result = call.body.withUnsafeBytes { bytes in
            request.body = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            request.body_length = bytes.count
            return exchange { response, errorOut in
                api.pointee.host_http_request(handle, &request, response, errorOut)
            }
        }
        return try result.get()
    }

    /// Runs one request callback with a fresh response, copies the response out and frees it.
    private func exchange(
        _ send: (UnsafeMutablePointer<ecss_http_response>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>)
            -> ecss_status
    ) -> Result<HostResponse, PluginError> {
        var response = ecss_http_response()
        response.struct_size = UInt32(MemoryLayout<ecss_http_response>.size)
        var errorText: UnsafeMutablePointer<CChar>?
        let status = send(&response, &errorText)
        let copied = HostResponse(
            status: Int(response.status), headers: Self.headerDictionary(response.headers),
            body: response.body.map { Data(bytes: $0, count: response.body_length) } ?? Data(),
            errorCode: response.error_code.map { String(cString: $0) },
            requestID: response.request_id.map { String(cString: $0) })
        api.pointee.host_response_free(&response)
        let message = takeHostString(errorText)
        guard status == ECSS_OK else {
            return .failure(PluginError(PluginStatus(status), message ?? "request failed with \(status.rawValue)",
                                        response: copied))
        }
        return .success(copied)
    }

    /// Reads "name: value\r\n" lines.
    private static func headerDictionary(_ text: UnsafeMutablePointer<CChar>?) -> [String: String] {
        guard let text else { return [:] }
        var headers: [String: String] = [:]
        for line in String(cString: text).split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }
}

/// C strings that live until `free()`, for building request structs.
private struct CStringArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    mutating func copy(_ text: String) -> UnsafePointer<CChar> {
        let copy = strdup(text)!
        allocations.append(UnsafeMutableRawPointer(copy))
        return UnsafePointer(copy)
    }

    /// Copies `lines` into a NULL-terminated array.
    mutating func nullTerminated(_ lines: [String]) -> UnsafePointer<UnsafePointer<CChar>?> {
        let raw = malloc(MemoryLayout<UnsafePointer<CChar>?>.stride * (lines.count + 1))!
        let array = raw.bindMemory(to: UnsafePointer<CChar>?.self, capacity: lines.count + 1)
        for (index, line) in lines.enumerated() {
            array[index] = copy(line)
        }
        array[lines.count] = nil
        allocations.append(raw)
        return UnsafePointer(array)
    }

    func free() {
        for allocation in allocations {
            Foundation.free(allocation)
        }
    }
}
