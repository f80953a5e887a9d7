/// The three ECS calls a fire makes.
///
/// The AWS client provides the real one. Each method blocks until ECS responds.
///
/// # Implementation requirements
/// Methods are called from several worker threads at once.
public protocol ECSOperations: Sendable {
    /// Returns the ARNs of the tasks in `cluster` whose task definition family is `family` and
    /// whose desired status is `desiredStatus`, from all pages of `ListTasks`.
    func listTasks(cluster: String, family: String, desiredStatus: String) throws(ECSCallError) -> [String]

    /// Returns the `tasks` members of `DescribeTasks` for `taskARNs`, however many there are.
    func describeTasks(cluster: String, taskARNs: [String]) throws(ECSCallError) -> [[String: Any]]

    /// Calls `RunTask` with `input` as its JSON body and returns the started tasks and the
    /// failures ECS reported.
    func runTask(_ input: [String: Any]) throws(ECSCallError) -> (tasks: [[String: Any]], failures: [[String: Any]])
}

/// A failed ECS call.
public struct ECSCallError: Error, Sendable, CustomStringConvertible {
    /// The ECS operation, such as `RunTask`.
    public var operation: String
    /// The AWS error code (`ThrottlingException`, `ClusterNotFoundException`), or a short
    /// description of a transport failure.
    public var code: String
    public var message: String
    /// ECS rejected the call because of its request rate; slowing down and retrying helps.
    public var isThrottling: Bool
    /// The call may succeed if made again unchanged (a 5xx response or a transport failure).
    public var isRetryable: Bool

    public init(operation: String, code: String, message: String, isThrottling: Bool = false,
                isRetryable: Bool = false) {
        self.operation = operation
        self.code = code
        self.message = message
        self.isThrottling = isThrottling
        self.isRetryable = isRetryable
    }

    public var description: String {
        message.isEmpty ? "\(operation) failed: \(code)" : "\(operation) failed: \(code): \(message)"
    }
}
