import JobModel
import JobStore
import AWSClient

/// The ECS calls of fires, made with the AWS client. The client retries each call itself
/// (standard retry mode) before an error reaches the scheduler.
public struct AWSECSOperations: ECSOperations {
    let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    public func listTasks(cluster: String, family: String, desiredStatus: String) throws(ECSCallError) -> [String] {
        do throws(AWSError) {
            return try client.ecs.listTasks(cluster: cluster, family: family, desiredStatus: desiredStatus)
        } catch {
            throw ECSCallError(error)
        }
    }

    public func describeTasks(cluster: String, taskARNs: [String]) throws(ECSCallError) -> [[String: Any]] {
        do throws(AWSError) {
            return try client.ecs.describeTasks(cluster: cluster, taskARNs: taskARNs)
        } catch {
            throw ECSCallError(error)
        }
    }

    public func runTask(_ input: [String: Any]) throws(ECSCallError) -> (tasks: [[String: Any]], failures: [[String: Any]]) {
        do throws(AWSError) {
            return try client.ecs.runTask(input)
        } catch {
            throw ECSCallError(error)
        }
    }
}

extension ECSCallError {
    /// Converts an AWS client error, keeping its code, message, request id and retry
    /// classification.
    init(_ error: AWSError) {
        let code = error.code ?? (error.kind == .service ? "HTTP \(error.status)" : error.kind.summary)
        var message = error.message
        if let requestID = error.requestID { message += " (request id \(requestID))" }
        self.init(operation: error.operation, code: code, message: message,
                  isThrottling: error.isThrottling, isRetryable: error.isRetryable)
    }
}

extension Scheduler {
    /// Creates a scheduler that makes its ECS calls with `client` and reads schedules with
    /// the schedule engine.
    public convenience init(registry: JobRegistry, client: AWSClient, triggers: any TriggerService,
                            settings: SchedulerSettings) {
        self.init(registry: registry, ecs: AWSECSOperations(client: client), fireTimes: EngineFireTimeCalculator(),
                  triggers: triggers, settings: settings)
    }
}

extension AWSError.Kind {
    /// A few words for log lines: what kind of failure this was.
    var summary: String {
        switch self {
        case .service: return "service error"
        case .connection: return "connection failed"
        case .credentials: return "no usable AWS credentials"
        case .configuration: return "invalid AWS settings"
        case .invalidRequest: return "invalid request"
        case .invalidResponse: return "invalid response"
        case .timedOut: return "timed out"
        }
    }
}
