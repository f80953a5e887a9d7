import CYAML
import Foundation
import JobModel

/// Reads one YAML document into a `JSONValue` with libyaml's event parser.
///
/// Plain scalars are typed as PyYAML's YAML 1.1 resolver types them, so that a file written
/// for the original Python tool means the same here. `null`, `~` and empty are null.
/// `true`/`false`/`yes`/`no`/`on`/`off` are booleans. Decimal, `0x` and `0o` integers and
/// decimal floats (with `.inf` and `.nan`) are numbers. Everything else, and every quoted
/// or block scalar, is a string. Anchors and aliases are resolved, and mapping keys become
/// strings.
enum YAMLReader {
    /// A YAML text that libyaml rejects, or a construct this reader does not support.
    struct ParseError: Error, CustomStringConvertible {
        var message: String
        /// 1-based position of the problem; 0 when unknown.
        var line: Int
        var column: Int

        var description: String {
            line > 0 ? "\(message) at line \(line), column \(column)" : message
        }
    }

    /// Parses the first document of `text`; an empty text gives `.null`.
    static func parse(_ text: String) throws(ParseError) -> JSONValue {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ParseError(message: "libyaml could not allocate a parser", line: 0, column: 0)
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(ParseError) -> JSONValue in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var reader = EventReader(parser: &parser)
            return try reader.readStream()
        }
    }
}

/// Walks libyaml events and builds values; `parser` must stay valid while it is used.
private struct EventReader {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    var anchors: [String: JSONValue] = [:]

    init(parser: UnsafeMutablePointer<yaml_parser_t>) {
        self.parser = parser
    }

    mutating func readStream() throws(YAMLReader.ParseError) -> JSONValue {
        var event = try next()
        defer { yaml_event_delete(&event) }
        guard event.type == YAML_STREAM_START_EVENT else { throw unexpected(event) }

        var document = try next()
        defer { yaml_event_delete(&document) }
        if document.type == YAML_STREAM_END_EVENT { return .null }
        guard document.type == YAML_DOCUMENT_START_EVENT else { throw unexpected(document) }

        var root = try next()
        defer { yaml_event_delete(&root) }
        return try readNode(root)
    }

    /// Reads the node that starts with `event` (which the caller deletes).
    mutating func readNode(_ event: yaml_event_t) throws(YAMLReader.ParseError) -> JSONValue {
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = string(scalar.value, length: scalar.length)
            let tag = scalar.tag.map { String(cString: $0) }
            let value = typedScalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, tag: tag)
            remember(value, anchor: scalar.anchor)
            return value
        case YAML_ALIAS_EVENT:
            let name = String(cString: event.data.alias.anchor)
            guard let value = anchors[name] else {
                throw error("unknown alias *\(name)", at: event.start_mark)
            }
            return value
        case YAML_SEQUENCE_START_EVENT:
            let value = try readSequence()
            remember(value, anchor: event.data.sequence_start.anchor)
            return value
        case YAML_MAPPING_START_EVENT:
            let value = try readMapping()
            remember(value, anchor: event.data.mapping_start.anchor)
            return value
        default:
            throw unexpected(event)
        }
    }

    mutating func readSequence() throws(YAMLReader.ParseError) -> JSONValue {
        var elements: [JSONValue] = []
        while true {
            var event = try next()
            defer { yaml_event_delete(&event) }
            if event.type == YAML_SEQUENCE_END_EVENT { return .array(elements) }
            elements.append(try readNode(event))
        }
    }

    mutating func readMapping() throws(YAMLReader.ParseError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        while true {
            var keyEvent = try next()
            defer { yaml_event_delete(&keyEvent) }
            if keyEvent.type == YAML_MAPPING_END_EVENT { return .object(members) }
            let key = try mappingKey(readNode(keyEvent), at: keyEvent.start_mark)

            var valueEvent = try next()
            defer { yaml_event_delete(&valueEvent) }
            members[key] = try readNode(valueEvent)
        }
    }

    /// Converts a mapping key to a string, because YAML allows any node as a key and JSON only strings.
    func mappingKey(_ value: JSONValue, at mark: yaml_mark_t) throws(YAMLReader.ParseError) -> String {
        switch value {
        case .string(let text): return text
        case .number, .bool, .null:
            // A plain key such as `9200:` or `yes:`: keep the text the user wrote.
            return value == .null ? "" : value.serializedString()
        case .array, .object:
            throw error("a mapping key must be a scalar", at: mark)
        }
    }

    mutating func remember(_ value: JSONValue, anchor: UnsafeMutablePointer<yaml_char_t>?) {
        guard let anchor else { return }
        anchors[String(cString: anchor)] = value
    }

    func next() throws(YAMLReader.ParseError) -> yaml_event_t {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            let problem = parser.pointee.problem.map { String(cString: $0) } ?? "invalid YAML"
            let context = parser.pointee.context.map { String(cString: $0) }
            let message = context.map { "\(problem) (\($0))" } ?? problem
            throw error(message, at: parser.pointee.problem_mark)
        }
        return event
    }

    func unexpected(_ event: yaml_event_t) -> YAMLReader.ParseError {
        error("unexpected YAML structure", at: event.start_mark)
    }

    func error(_ message: String, at mark: yaml_mark_t) -> YAMLReader.ParseError {
        YAMLReader.ParseError(message: message, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}

/// Types a scalar as PyYAML's resolver does; quoted scalars and `!!str` stay strings.
func typedScalar(_ text: String, plain: Bool, tag: String?) -> JSONValue {
    if let tag {
        switch tag {
        case "tag:yaml.org,2002:str": return .string(text)
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
            return number(text).map(JSONValue.number) ?? .string(text)
        case "tag:yaml.org,2002:bool": return boolean(text).map(JSONValue.bool) ?? .string(text)
        case "tag:yaml.org,2002:null": return .null
        default: return .string(text)
        }
    }
    guard plain else { return .string(text) }
    if ["", "~", "null", "Null", "NULL"].contains(text) { return .null }
    if let flag = boolean(text) { return .bool(flag) }
    if let value = number(text) { return .number(value) }
    return .string(text)
}

private func boolean(_ text: String) -> Bool? {
    switch text {
    case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
    case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
    default: return nil
    }
}

private func number(_ text: String) -> Double? {
    var body = Substring(text.replacingOccurrences(of: "_", with: ""))
    var sign = 1.0
    if let first = body.first, first == "-" || first == "+" {
        sign = first == "-" ? -1 : 1
        body = body.dropFirst()
    }
    guard let first = body.first else { return nil }
    switch body.lowercased() {
    case ".inf": return sign * .infinity
    case ".nan": return .nan
    default: break
    }
    if body.hasPrefix("0x"), let value = UInt64(body.dropFirst(2), radix: 16) { return sign * Double(value) }
    if body.hasPrefix("0o"), let value = UInt64(body.dropFirst(2), radix: 8) { return sign * Double(value) }
    guard first.isASCII, first.isNumber || first == "." else { return nil }
    guard body.allSatisfy({ $0.isASCII && ($0.isNumber || ".eE+-".contains($0)) }) else { return nil }
    return Double(body).map { sign * $0 }
}
