import Foundation

/// JSON helpers shared by the Swift stores, on Foundation's JSONSerialization.
public enum JSONText {
    /// Parses `text` as a JSON object; nil when it is not JSON or not an object.
    public static func object(_ text: String) -> [String: Any]? {
        object(Data(text.utf8))
    }

    public static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any]
    }

    /// True when `value` came from a JSON `true` or `false`. Foundation on Linux parses both
    /// as NSNumber, and `as? Bool` also accepts the numbers 0 and 1, so only the type differs.
    public static func isBoolean(_ value: Any) -> Bool {
        type(of: value) == booleanType
    }

    private static let booleanType = type(of: NSNumber(value: true))

    /// True when `text` is any JSON value.
    public static func isJSON(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
    }

    /// Serialises a value made of dictionaries, arrays, strings, numbers, booleans and NSNull.
    public static func data(_ value: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data()
    }

    public static func text(_ value: Any) -> String {
        String(decoding: data(value), as: UTF8.self)
    }
}

/// Percent-encodes everything but the unreserved characters of RFC 3986 (letters, digits,
/// "-", ".", "_" and "~"), for one URL path segment or one query value.
public func percentEncoded(_ text: String) -> String {
    var encoded = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            encoded.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            encoded += String(format: "%%%02X", byte)
        }
    }
    return encoded
}
