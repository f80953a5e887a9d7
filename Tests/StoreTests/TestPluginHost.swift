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
/// logging into a list the test reads, settings from a dictionary and JSON member lookup.
/// The AWS and HTTP callbacks fail with ECSS_ERROR.
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
        table.pointee.host_aws_request = { _, _, _, errorOut in
            errorOut?.pointee = strdup("the test host sends no AWS requests")
            return ECSS_ERROR
        }
        table.pointee.host_http_request = { _, _, _, errorOut in
            errorOut?.pointee = strdup("the test host sends no HTTP requests")
            return ECSS_ERROR
        }
        table.pointee.host_response_free = { _ in }
        table.pointee.host_json_get = { json, key, valueOut in
            guard let json, let key, let valueOut else { return ECSS_INVALID }
            return jsonMember(String(cString: json), String(cString: key), valueOut)
        }
        return table
    }()

    /// A new handle for one opened store, with its own log and settings.
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
