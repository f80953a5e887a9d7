/// A failure to start the HTTP server.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// The failure and what to check, for example that the port is free.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
