/// An invalid schedule or time zone, with a message that names the field, the offending
/// text and what is allowed.
public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
