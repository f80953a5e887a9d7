import Foundation

/// A JSON value, as plugins receive trigger settings, jobs and AWS responses.
///
/// It mirrors the daemon's `JSONValue` on purpose: PluginKit is linked into every plugin
/// library, so it depends on none of the daemon's modules.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// Parses JSON text with Foundation's JSONSerialization.
    /// - Throws: `PluginError` with status `.invalid` when the text is not JSON.
    public static func parse(_ data: Data) throws(PluginError) -> JSON {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw .invalid("invalid JSON: \(error.localizedDescription)")
        }
        guard let value = JSON(foundation: object) else { throw .invalid("invalid JSON: unsupported value") }
        return value
    }

    /// Parses NUL-terminated JSON text from the host.
    public static func parse(_ text: UnsafePointer<CChar>) throws(PluginError) -> JSON {
        try parse(Data(bytes: text, count: strlen(text)))
    }

    /// Converts the output of `JSONSerialization.jsonObject(with:)`; nil for other values.
    init?(foundation value: Any) {
        switch value {
        case is NSNull:
            self = .null
        case let number as NSNumber:
            // JSONSerialization returns booleans as NSNumber with the Objective-C type "c", and
            // numbers never with that type.
            if number.objCType.pointee == CChar(UInt8(ascii: "c")) {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        case let string as String:
            self = .string(string)
        case let array as [Any]:
            var values: [JSON] = []
            for element in array {
                guard let converted = JSON(foundation: element) else { return nil }
                values.append(converted)
            }
            self = .array(values)
        case let dictionary as [String: Any]:
            var members: [String: JSON] = [:]
            for (key, element) in dictionary {
                guard let converted = JSON(foundation: element) else { return nil }
                members[key] = converted
            }
            self = .object(members)
        default:
            return nil
        }
    }

    /// The value as a Foundation object for `JSONSerialization`; whole numbers become integers.
    var foundationObject: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let flag): return NSNumber(value: flag)
        case .number(let number):
            if number.rounded() == number, abs(number) < 9_007_199_254_740_992 {
                return NSNumber(value: Int64(number))
            }
            return NSNumber(value: number)
        case .string(let string): return string
        case .array(let values): return values.map(\.foundationObject)
        case .object(let members): return members.mapValues(\.foundationObject)
        }
    }

    /// Compact JSON text with sorted keys.
    public func serialized() -> Data {
        // JSONSerialization fails only on non-finite numbers, which parsed JSON text never
        // contains; such a value serializes as empty data.
        (try? JSONSerialization.data(withJSONObject: foundationObject,
                                     options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    public var objectValue: [String: JSON]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The value as an Int when it is a JSON number with no fractional part within ±2^31.
    public var intValue: Int? {
        guard case .number(let number) = self, number.rounded() == number,
              abs(number) <= Double(Int32.max) else { return nil }
        return Int(number)
    }

    public subscript(key: String) -> JSON? {
        objectValue?[key]
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
