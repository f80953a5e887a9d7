import Scheduler
import Synchronization

/// An in-process ECS that responds at once and keeps nothing, so the CPU a fire costs the
/// scheduler can be measured apart from HTTP.
final class InstantECS: ECSOperations {
    private let started = Atomic<Int>(0)

    var runTaskCalls: Int { started.load(ordering: .relaxed) }

    func listTasks(cluster: String, family: String, desiredStatus: String) throws(ECSCallError) -> [String] {
        []
    }

    func describeTasks(cluster: String, taskARNs: [String]) throws(ECSCallError) -> [[String: Any]] {
        []
    }

    func runTask(_ input: [String: Any]) throws(ECSCallError) -> (tasks: [[String: Any]], failures: [[String: Any]]) {
        let number = started.wrappingAdd(1, ordering: .relaxed).newValue
        let count = input["count"] as? Int ?? 1
        let tasks = (0..<count).map { index -> [String: Any] in
            ["taskArn": "arn:aws:ecs:us-east-1:123456789012:task/bench/\(number)-\(index)",
             "containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/bench/1"]
        }
        return (tasks, [])
    }
}
