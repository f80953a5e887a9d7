/// Writes log lines for one component of the daemon.
///
/// A line reads `LEVEL:component:timestamp message key=value ...`: a constant message, then
/// the event's metadata (`job.id=nightly error="..."`). Never pass a secret as metadata.
public struct Logger: Sendable {
    public let component: String

    public init(component: String) {
        self.component = component
    }

    public func isEnabled(_ level: LogLevel) -> Bool {
        LogSystem.shared.isEnabled(level)
    }

    public func log(_ level: LogLevel, _ message: String, _ metadata: KeyValuePairs<String, String> = [:]) {
        let system = LogSystem.shared
        guard system.isEnabled(level) else { return }
        var line = message
        for (key, value) in metadata {
            line += " \(key)=\(Logger.quoted(value))"
        }
        system.write(level: level, component: component, message: line)
    }

    public func debug(_ message: String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.debug, message, metadata)
    }

    public func info(_ message: String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.info, message, metadata)
    }

    public func warning(_ message: String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.warning, message, metadata)
    }

    public func error(_ message: String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.error, message, metadata)
    }

    public func critical(_ message: String, _ metadata: KeyValuePairs<String, String> = [:]) {
        log(.critical, message, metadata)
    }

    /// Quotes a metadata value when it has spaces, quotes, `=` or control characters, so that
    /// each line stays one line and splits back into its pairs.
    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains {
            $0 == " " || $0 == "\"" || $0 == "=" || $0.value < 0x20 || $0 == "\\"
        }
        guard needsQuotes else { return value }
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    text += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text + "\""
    }
}
