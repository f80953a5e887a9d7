/// A start-up configuration problem: the variable at fault and what to do about it.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable at fault, such as `ECSS_PORT`.
    public var variable: String
    /// One line with the problem and its fix.
    public var message: String

    public init(variable: String, _ message: String) {
        self.variable = variable
        self.message = message
    }

    /// `VARIABLE: message`, the line the daemon prints before exiting with status 2.
    public var description: String { "\(variable): \(message)" }
}
