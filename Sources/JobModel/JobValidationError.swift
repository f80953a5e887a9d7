/// A job document that breaks one or more field rules.
///
/// The REST API returns it as `400 {"message": message, "errors": errors}`.
public struct JobValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Messages per field, each naming the field and the rule (`taskCount must be between 1
    /// and 50`). Fields of nested objects are reported under their top-level field.
    public var errors: [String: [String]]

    public init(errors: [String: [String]]) {
        self.errors = errors
    }

    public init(field: String, _ message: String) {
        self.errors = [field: [message]]
    }

    /// One line with every message, ordered by field.
    public var message: String {
        let messages = errors.keys.sorted().flatMap { errors[$0] ?? [] }
        return "Invalid job: " + messages.joined(separator: "; ") + "."
    }

    public var description: String { message }
}
