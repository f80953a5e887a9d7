import CCrypto
import Foundation
import JobModel

/// Builds the ECS `RunTask` calls of a fire.
enum RunTaskRequest {
    /// The maximum number of tasks one `RunTask` call may start (an ECS limit).
    static let maxTasksPerCall = 10

    /// The environment variable added to every container override of a job with overrides.
    /// Its value is the job id, so tasks of jobs sharing a task definition can be counted apart.
    static let overrideTagName = "ECS_SCHEDULER_OVERRIDE_TAG"

    /// Splits `count` tasks into `RunTask` batches of at most `maxTasksPerCall`.
    static func batchSizes(for count: Int) -> [Int] {
        guard count > 0 else { return [] }
        return stride(from: 0, to: count, by: maxTasksPerCall).map { min(maxTasksPerCall, count - $0) }
    }

    /// Builds the body of one `RunTask` call starting `count` tasks of `job`.
    ///
    /// The job's RunTask fields (launch type, network configuration, tags and so on) pass
    /// through unchanged. Environment variables are sorted by name, so a retried call sends
    /// the same body.
    static func input(job: Job, cluster: String, startedBy: String, count: Int, clientToken: String) -> [String: Any] {
        var input: [String: Any] = [
            "cluster": cluster,
            "taskDefinition": job.taskDefinition,
            "count": count,
            "startedBy": startedBy,
            "clientToken": clientToken,
        ]
        if let overrides = job.overrides, !overrides.isEmpty {
            input["overrides"] = ["containerOverrides": overrides.map { containerOverride($0, jobID: job.id) }]
        }
        input["launchType"] = job.launchType
        input["capacityProviderStrategy"] = job.capacityProviderStrategy?.foundationObject
        input["platformVersion"] = job.platformVersion
        input["networkConfiguration"] = job.networkConfiguration?.foundationObject
        input["group"] = job.group
        input["tags"] = job.tags?.foundationObject
        input["propagateTags"] = job.propagateTags
        input["enableExecuteCommand"] = job.enableExecuteCommand
        return input
    }

    /// Builds one member of `containerOverrides`, with the job's tag added to its environment.
    static func containerOverride(_ override: ContainerOverride, jobID: String) -> [String: Any] {
        var environment = override.environment
        environment[overrideTagName] = jobID
        var result: [String: Any] = [
            "name": override.containerName,
            "environment": environment.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
        ]
        result["command"] = override.command
        result["cpu"] = override.cpu
        result["memory"] = override.memory
        return result
    }

    /// Derives the `clientToken` of a `RunTask` call: the SHA-256 of the job id, the scheduled time
    /// in milliseconds and the batch index, as 64 hexadecimal digits (the ECS maximum
    /// length). A call retried after a timeout carries the same token, so ECS starts its
    /// tasks once.
    static func clientToken(jobID: String, scheduledAt: Date, batch: Int) -> String {
        let milliseconds = Int64((scheduledAt.timeIntervalSince1970 * 1000).rounded())
        let text = Array("\(jobID)\n\(milliseconds)\n\(batch)".utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let succeeded = EVP_Digest(text, text.count, &digest, &length, EVP_sha256(), nil)
        precondition(succeeded == 1 && length == 32, "EVP_Digest with SHA-256 failed")
        let hexDigits = Array("0123456789abcdef".utf8)
        var token: [UInt8] = []
        token.reserveCapacity(64)
        for byte in digest.prefix(32) {
            token.append(hexDigits[Int(byte >> 4)])
            token.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: token, as: UTF8.self)
    }

    /// Returns the family of a task definition given as `family`, `family:revision` or an ARN.
    static func family(of taskDefinition: String) -> String {
        let name = taskDefinition.split(separator: "/").last.map(String.init) ?? taskDefinition
        return name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
    }

    /// Returns whether a task from `DescribeTasks` carries the tag of the job `jobID` in the
    /// environment of one of its container overrides.
    static func isTagged(task: [String: Any], jobID: String) -> Bool {
        guard let overrides = task["overrides"] as? [String: Any],
              let containers = overrides["containerOverrides"] as? [[String: Any]] else { return false }
        return containers.contains { container in
            let environment = container["environment"] as? [[String: Any]] ?? []
            return environment.contains {
                $0["name"] as? String == overrideTagName && $0["value"] as? String == jobID
            }
        }
    }
}
