import Foundation
import JobModel
import Logging
import PluginABI

/// The `ecss_host_api` table that every plugin receives: the host's callbacks as C functions.
///
/// The callbacks find their context (settings, network services, logger) through the
/// `ecss_host_handle` a plugin passes, which is a retained `PluginHandle`.
enum HostAPI {
    /// The one table, allocated once and never freed, because plugins keep the pointer
    /// until the process exits.
    // Written once during static initialisation and only read afterwards.
    nonisolated(unsafe) static let table: UnsafePointer<ecss_host_api> = {
        var api = ecss_host_api()
        api.struct_size = UInt32(MemoryLayout<ecss_host_api>.size)
        api.abi_major = UInt16(ECSS_ABI_MAJOR)
        api.abi_minor = UInt16(ECSS_ABI_MINOR)
        api.host_alloc = hostAlloc
        api.host_free = hostFree
        api.host_log = hostLog
        api.host_config_get = hostConfigGet
        api.host_aws_request = hostAWSRequest
        api.host_http_request = hostHTTPRequest
        api.host_response_free = hostResponseFree
        api.host_json_get = hostJSONGet
        let pointer = UnsafeMutablePointer<ecss_host_api>.allocate(capacity: 1)
        pointer.initialize(to: api)
        return UnsafePointer(pointer)
    }()
}

private func hostAlloc(_ size: Int) -> UnsafeMutableRawPointer? {
    guard let memory = malloc(max(size, 1)) else {
        fatalError("Out of memory: a plugin asked for \(size) bytes")
    }
    return memory
}

private func hostFree(_ pointer: UnsafeMutableRawPointer?) {
    free(pointer)
}

private func hostLog(_ handle: OpaquePointer?, _ level: ecss_log_level, _ jobID: UnsafePointer<CChar>?,
                     _ message: UnsafePointer<CChar>?) {
    guard let message else { return }
    let logger = PluginHandle.from(handle)?.logger ?? Logger(component: "plugin")
    let logLevel = LogLevel(pluginLevel: Int(level.rawValue))
    let text = String(cString: message)
    if let jobID {
        logger.log(logLevel, text, ["job.id": String(cString: jobID)])
    } else {
        logger.log(logLevel, text)
    }
}

private func hostConfigGet(_ handle: OpaquePointer?, _ key: UnsafePointer<CChar>?,
                           _ valueOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
    guard let plugin = PluginHandle.from(handle), let key, let valueOut else { return ECSS_INVALID }
    guard let value = plugin.settings[String(cString: key)] else { return ECSS_NOT_FOUND }
    valueOut.pointee = mallocCString(value)
    return ECSS_OK
}

private func hostJSONGet(_ jsonObject: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?,
                         _ valueOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> ecss_status {
    guard let jsonObject, let key, let valueOut else { return ECSS_INVALID }
    let text = Data(bytes: jsonObject, count: strlen(jsonObject))
    guard let parsed = try? JSONValue.parse(text), case .object(let members) = parsed else {
        return ECSS_INVALID
    }
    guard let member = members[String(cString: key)], member != .null else { return ECSS_NOT_FOUND }
    if case .string(let string) = member {
        valueOut.pointee = mallocCString(string)
    } else {
        valueOut.pointee = mallocCString(member.serializedString())
    }
    return ECSS_OK
}

private func hostResponseFree(_ response: UnsafeMutablePointer<ecss_http_response>?) {
    guard let response else { return }
    free(response.pointee.headers)
    free(response.pointee.body)
    free(response.pointee.error_code)
    free(response.pointee.request_id)
    response.pointee.headers = nil
    response.pointee.body = nil
    response.pointee.body_length = 0
    response.pointee.error_code = nil
    response.pointee.request_id = nil
}

extension LogLevel {
    /// Maps a plugin's `ecss_log_level` to a level. A value between two named levels takes the
    /// lower one.
    init(pluginLevel: Int) {
        switch pluginLevel {
        case ..<20: self = .debug
        case 20..<30: self = .info
        case 30..<40: self = .warning
        case 40..<50: self = .error
        default: self = .critical
        }
    }
}
