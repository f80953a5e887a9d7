/// Amazon ECS operations (AWS JSON 1.1).
public struct ECS: Sendable {
    let client: AWSClient

    static let targetPrefix = "AmazonEC2ContainerServiceV20141113"
    /// DescribeTasks takes at most this many tasks per call.
    public static let describeTasksBatchSize = 100

    /// Calls any ECS operation with its input as the API defines it.
    public func call(_ operation: String, _ input: [String: Any]) throws(AWSError) -> [String: Any] {
        try client.jsonCall(service: "ecs", targetPrefix: Self.targetPrefix, operation: operation, version: "1.1", body: input)
    }

    /// Lists the ARNs of a task definition family's tasks in a cluster, following every page.
    ///
    /// - Parameters:
    ///   - desiredStatus: "RUNNING", "PENDING" or "STOPPED".
    ///   - pageSize: tasks per page, 1 to 100.
    public func listTasks(cluster: String, family: String, desiredStatus: String = "RUNNING",
                          pageSize: Int = 100) throws(AWSError) -> [String] {
        var arns: [String] = []
        var nextToken: String?
        repeat {
            var input: [String: Any] = ["cluster": cluster, "family": family, "desiredStatus": desiredStatus,
                                        "maxResults": pageSize]
            if let nextToken { input["nextToken"] = nextToken }
            let output = try call("ListTasks", input)
            arns += output["taskArns"] as? [String] ?? []
            nextToken = (output["nextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return arns
    }

    /// Describes tasks, in batches of 100 (the API's limit).
    /// - Returns: the task objects as the API returns them. Tasks that ECS cannot find are
    ///   left out.
    public func describeTasks(cluster: String, taskARNs: [String]) throws(AWSError) -> [[String: Any]] {
        var tasks: [[String: Any]] = []
        var start = 0
        while start < taskARNs.count {
            let batch = Array(taskARNs[start..<min(start + Self.describeTasksBatchSize, taskARNs.count)])
            let output = try call("DescribeTasks", ["cluster": cluster, "tasks": batch])
            tasks += output["tasks"] as? [[String: Any]] ?? []
            start += Self.describeTasksBatchSize
        }
        return tasks
    }

    /// Starts tasks.
    /// - Parameter input: the RunTask input as the API defines it (`cluster`,
    ///   `taskDefinition`, `count` of at most 10, `startedBy`, `overrides`).
    /// - Returns: the started tasks, and the failures ECS reports for tasks it could not start.
    public func runTask(_ input: [String: Any]) throws(AWSError) -> (tasks: [[String: Any]], failures: [[String: Any]]) {
        let output = try call("RunTask", input)
        return (output["tasks"] as? [[String: Any]] ?? [], output["failures"] as? [[String: Any]] ?? [])
    }
}

extension AWSClient {
    public var ecs: ECS { ECS(client: self) }
}
