import Foundation
import PluginABI
import Synchronization
import TestSupport

/// One log line a plugin wrote through `host_log`.
struct PluginLogLine: Sendable {
    var level: Int32
    var jobID: String?
    var message: String
}

/// The host side of the plugin ABI, enough to drive a store plugin from a test: memory,
/// logging into a list the test reads, settings from a dictionary, JSON member lookup, and
/// HTTP and AWS requests through the AWS client. AWS requests go to the emulator named by
/// the handle's `test.aws_endpoint` setting.
enum TestPluginHost {
    /// Log lines by handle, so parallel tests each read their own.
    static let logs = Mutex<[UInt: [PluginLogLine]]>([:])
    /// Host settings (`host_config_get`) by handle.
    static let settings = Mutex<[UInt: [String: String]]>([:])
    private static let nextHandle = Atomic<UInt>(1)

    /// The callback table; allocated once and never freed, as the ABI requires.
    nonisolated(unsafe) static let api: UnsafeMutablePointer<ecss_host_api> = {
        let table = UnsafeMutablePointer<ecss_host_api>.allocate(capacity: 1)
        table.initialize(to: ecss_host_api())
        table.pointee.struct_size = UInt32(MemoryLayout<ecss_host_api>.size)
        table.pointee.abi_major = UInt16(ECSS_ABI_MAJOR)
        table.pointee.abi_minor = UInt16(ECSS_ABI_MINOR)
        table.pointee.host_alloc = { size in malloc(max(size, 1))! }
        table.pointee.host_free = { pointer in free(pointer) }
        table.pointee.host_log = { handle, level, jobID, message in
            let line = PluginLogLine(
                level: Int32(level.rawValue),
                jobID: jobID.map { String(cString: $0) },
                message: message.map { String(cString: $0) } ?? ""
            )
            let key = UInt(bitPattern: handle)
            TestPluginHost.logs.withLock { $0[key, default: []].append(line) }
        }
        table.pointee.host_config_get = { handle, key, valueOut in
            guard let key, let valueOut else { return ECSS_INVALID }
            let name = String(cString: key)
            let value = TestPluginHost.settings.withLock { $0[UInt(bitPattern: handle)]?[name] }
            guard let value else { return ECSS_NOT_FOUND }
            valueOut.pointee = strdup(value)
            return ECSS_OK
        }
        table.pointee.host_aws_request = { handle, request, response, errorOut in
            let settings = TestPluginHost.settings.withLock { $0[UInt(bitPattern: handle)] ?? [:] }
            guard let request, let response, let endpoint = settings["test.aws_endpoint"] else {
                errorOut?.pointee = strdup("the test host has no test.aws_endpoint for this handle")
                return ECSS_ERROR
            }
            return TestAWSExchange.send(request.pointee, endpoint: endpoint, region: settings["aws.region"] ?? "us-east-1",
                                        into: response, errorOut: errorOut)
        }
        table.pointee.host_http_request = { _, request, response, errorOut in
            guard let request, let response else { return ECSS_INVALID }
            return TestHTTPExchange.send(request.pointee, into: response, errorOut: errorOut)
        }
        table.pointee.host_response_free = { response in
            guard let response else { return }
            free(response.pointee.headers)
            free(response.pointee.body)
            free(response.pointee.error_code)
            free(response.pointee.request_id)
            response.pointee.headers = nil
            response.pointee.body = nil
            response.pointee.error_code = nil
            response.pointee.request_id = nil
        }
        table.pointee.host_json_get = { json, key, valueOut in
            guard let json, let key, let valueOut else { return ECSS_INVALID }
            return jsonMember(String(cString: json), String(cString: key), valueOut)
        }
        return table
    }()

    /// Creates a handle for one opened store, with its own log and settings.
    static func makeHandle(settings hostSettings: [String: String] = [:]) -> OpaquePointer {
        let key = nextHandle.wrappingAdd(1, ordering: .relaxed).oldValue
        settings.withLock { $0[key] = hostSettings }
        return OpaquePointer(bitPattern: key)!
    }

    static func logLines(for handle: OpaquePointer) -> [PluginLogLine] {
        logs.withLock { $0[UInt(bitPattern: handle)] ?? [] }
    }

    /// `host_json_get` as the ABI describes it: strings as they are, numbers and booleans as
    /// their JSON text, objects and arrays as JSON text.
    private static func jsonMember(_ json: String, _ key: String,
                                   _ valueOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> ecss_status {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return ECSS_INVALID
        }
        guard let member = object[key], !(member is NSNull) else { return ECSS_NOT_FOUND }
        let text: String
        switch member {
        case let string as String:
            text = string
        case let number as NSNumber where String(cString: number.objCType) == "c":
            text = number.boolValue ? "true" : "false"
        case let number as NSNumber:
            text = number.stringValue
        default:
            let data = (try? JSONSerialization.data(withJSONObject: member, options: [.fragmentsAllowed])) ?? Data()
            text = String(decoding: data, as: UTF8.self)
        }
        valueOut.pointee = strdup(text)
        return ECSS_OK
    }
}
