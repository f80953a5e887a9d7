/// The loaded trigger types: the API validates triggers through it and the scheduler requests
/// task counts from it. The plugin host provides the real one, and `NoTriggers` has none.
public protocol TriggerService: Sendable {
    /// Names of the loaded trigger types, sorted.
    var triggerTypes: [String] { get }

    /// Checks a job's `trigger` object (which has a string `type`).
    /// - Throws: `TriggerError` with a message for the API caller: an unknown type (listing the
    ///   loaded types) or the plugin's own complaint.
    func validate(trigger: [String: JSONValue]) throws(TriggerError)

    /// The number of tasks that should be running after a fire of `job`, which has a trigger.
    /// - Throws: `TriggerError` when the trigger fails or times out; that fire then fails.
    func desiredCount(for job: Job) throws(TriggerError) -> Int
}

/// A trigger that rejected its settings, failed or timed out.
public struct TriggerError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// A `TriggerService` with no trigger types loaded.
public struct NoTriggers: TriggerService {
    public init() {}

    public var triggerTypes: [String] { [] }

    public func validate(trigger: [String: JSONValue]) throws(TriggerError) {
        let type = trigger["type"]?.stringValue ?? ""
        throw TriggerError("Unknown trigger type \(type); no trigger types are loaded.")
    }

    public func desiredCount(for job: Job) throws(TriggerError) -> Int {
        throw TriggerError("No trigger types are loaded.")
    }
}
