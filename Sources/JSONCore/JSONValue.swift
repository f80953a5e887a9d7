import Foundation

/// A JSON value: job fields that the daemon passes through to ECS unchanged, response
/// bodies, and the settings, jobs and AWS responses that plugins read.
///
/// The module depends on Foundation alone, because PluginKit, which is linked into every
/// plugin library, uses it too and must not pull in the daemon's modules.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Converts the output of `JSONSerialization.jsonObject(with:)` into a `JSONValue`.
    ///
    /// Returns nil for values `JSONSerialization` never produces.
    public init?(foundation value: Any) {
        switch value {
        case is NSNull:
            self = .null
        case let number as NSNumber:
            // JSONSerialization returns booleans as NSNumber with the Objective-C type "c"; it
            // never returns an Int8, the only other type spelled that way.
            if number.objCType.pointee == CChar(UInt8(ascii: "c")) {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        case let string as String:
            self = .string(string)
        case let array as [Any]:
            var values: [JSONValue] = []
            values.reserveCapacity(array.count)
            for element in array {
                guard let converted = JSONValue(foundation: element) else { return nil }
                values.append(converted)
            }
            self = .array(values)
        case let dictionary as [String: Any]:
            var members: [String: JSONValue] = [:]
            for (key, element) in dictionary {
                guard let converted = JSONValue(foundation: element) else { return nil }
                members[key] = converted
            }
            self = .object(members)
        default:
            return nil
        }
    }

    /// Parses JSON text with Foundation's `JSONSerialization`.
    ///
    /// Foundation also accepts a comma before `}` or `]`, which RFC 8259 does not allow, so
    /// such a comma is rejected first. When a name appears twice in one object, the last
    /// value wins, as in most JSON parsers.
    /// - Throws: `JSONValue.ParseError` when the text is not JSON.
    public static func parse(_ data: Data) throws(ParseError) -> JSONValue {
        if let offset = trailingCommaOffset(in: data) {
            throw ParseError(message: "invalid JSON: a comma at byte \(offset) is followed by no value; remove it")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw ParseError(message: "invalid JSON: \(error.localizedDescription)")
        }
        guard let value = JSONValue(foundation: object) else {
            throw ParseError(message: "invalid JSON: unsupported value")
        }
        return value
    }

    /// Returns the byte offset of the first comma outside a string that has only white space
    /// before the next `}` or `]`, or nil when there is none.
    static func trailingCommaOffset(in data: Data) -> Int? {
        var inString = false
        var escaped = false
        var pendingComma: Int?
        for (offset, byte) in data.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if let comma = pendingComma { return comma }
            case UInt8(ascii: ","):
                pendingComma = offset
                continue
            case UInt8(ascii: "\""):
                inString = true
            default:
                break
            }
            pendingComma = nil
        }
        return nil
    }

    /// The error `parse(_:)` throws.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// The value as a Foundation object for `JSONSerialization`.
    public var foundationObject: Any {
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

    /// Serialises the value as compact JSON with keys sorted, so equal values give equal text.
    public func serialized() -> Data {
        // JSONSerialization fails only on non-finite numbers, which parsed JSON text never
        // contains; such a value serializes as empty data.
        (try? JSONSerialization.data(withJSONObject: foundationObject,
                                     options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// `serialized()` as a String.
    public func serializedString() -> String {
        String(decoding: serialized(), as: UTF8.self)
    }

    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSONValue]? {
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

    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
