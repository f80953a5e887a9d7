import AWSClient
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport

/// A moto server with the ECS set-up the scheduler's end-to-end tests need, made through the
/// AWS client's generic calls.
final class MotoECS: Sendable {
    let moto: MotoServer
    let client: AWSClient
    private let home: URL

    init() throws {
        moto = try Self.startMoto()
        var environment = moto.clientEnvironment
        environment["AWS_MAX_ATTEMPTS"] = "1"
        // An empty home folder, so that no shared AWS file of the machine's user is read.
        home = try PackagePaths.temporaryDirectory("scheduler-home")
        environment["HOME"] = home.path
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        client = try AWSClient(environment: environment)
    }

    deinit {
        try? FileManager.default.removeItem(at: home)
    }

    func createCluster(_ name: String) throws {
        _ = try client.ecs.call("CreateCluster", ["clusterName": name])
    }

    /// Registers a task definition family with one container.
    func registerTaskDefinition(family: String, container: String) throws {
        _ = try client.ecs.call("RegisterTaskDefinition", [
            "family": family,
            "containerDefinitions": [["name": container, "image": "busybox", "cpu": 16, "memory": 32,
                                      "command": ["sleep", "3600"]]],
        ])
    }

    /// Runs an EC2 instance and registers it with `cluster`, so tasks with the EC2 launch
    /// type can be placed.
    /// - Returns: the container instance ARN.
    @discardableResult
    func registerContainerInstance(cluster: String) throws -> String {
        let reservation = try client.queryCall(service: "ec2", operation: "RunInstances", version: "2016-11-15",
                                               parameters: ["ImageId": "ami-12345678", "MinCount": "1", "MaxCount": "1",
                                                            "InstanceType": "m5.large"])
        let instanceID = try requireText(reservation, "instanceId")
        let document: [String: String] = [
            "instanceId": instanceID, "region": "us-east-1", "availabilityZone": "us-east-1a",
            "instanceType": "m5.large", "imageId": "ami-12345678", "privateIp": "10.0.0.1",
            "accountId": "123456789012", "architecture": "x86_64",
        ]
        let documentText = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        let output = try client.ecs.call("RegisterContainerInstance", [
            "cluster": cluster, "instanceIdentityDocument": documentText,
        ])
        let instance = output["containerInstance"] as? [String: Any]
        return instance?["containerInstanceArn"] as? String ?? ""
    }

    func runningTasks(cluster: String, family: String) throws -> [[String: Any]] {
        let arns = try client.ecs.listTasks(cluster: cluster, family: family, desiredStatus: "RUNNING")
        return arns.isEmpty ? [] : try client.ecs.describeTasks(cluster: cluster, taskARNs: arns)
    }

    func runningCount(cluster: String, family: String) -> Int {
        (try? client.ecs.listTasks(cluster: cluster, family: family, desiredStatus: "RUNNING").count) ?? -1
    }

    /// Stops every running task of `family`, as `StopTask` does.
    func stopTasks(cluster: String, family: String) throws {
        for arn in try client.ecs.listTasks(cluster: cluster, family: family, desiredStatus: "RUNNING") {
            _ = try client.ecs.call("StopTask", ["cluster": cluster, "task": arn, "reason": "test"])
        }
    }
}

extension MotoECS {
    /// Starts moto with no signals blocked on the calling thread.
    ///
    /// NOTE: `Process` starts children with the calling thread's signal mask, and the
    /// threads that run tests block SIGTERM, so moto started there ignores `terminate()` and
    /// `MotoServer.stop()` waits forever. Remove this once `MotoServer` clears the mask.
    static func startMoto() throws -> MotoServer {
        var noSignals = sigset_t()
        var previous = sigset_t()
        sigemptyset(&noSignals)
        pthread_sigmask(SIG_SETMASK, &noSignals, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try MotoServer()
    }
}

/// Returns the text of the first element named `name` anywhere below `element`.
private func requireText(_ element: XMLElement, _ name: String) throws -> String {
    let nodes = try element.nodes(forXPath: ".//*[local-name()='\(name)']")
    guard let text = nodes.first?.stringValue, !text.isEmpty else {
        throw TestSupportError("no \(name) in the EC2 response: \(element.xmlString)")
    }
    return text
}
