import AWSClient
import Foundation
import JobModel
import JobStore
import Logging
import Synchronization
@testable import Scheduler
import Testing

/// A scheduler on the system clock that starts tasks in moto, on a cluster of its own.
final class MotoHarness: Sendable {
    let ecs: MotoECS
    let registry = JobRegistry(store: InMemoryJobStore())
    let cluster = "scheduler-test"
    /// The container instance jobs with the EC2 launch type run on, if registered.
    let containerInstance: String?
    let settings: SchedulerSettings
    private let running = Mutex<Scheduler?>(nil)

    init(containerInstance: Bool = true) throws {
        _ = logCapture
        ecs = try MotoECS()
        try ecs.createCluster(cluster)
        try ecs.registerTaskDefinition(family: "sleeper-task", container: "sleeper-container")
        self.containerInstance = containerInstance ? try ecs.registerContainerInstance(cluster: cluster) : nil
        var settings = SchedulerSettings(cluster: cluster, startedBy: "scheduler-test")
        settings.maxRetries = 0
        self.settings = settings
    }

    deinit {
        running.withLock { $0 }?.stop(timeout: 10)
    }

    /// Starts a new scheduler on the registry, as a daemon start does.
    func start() {
        let scheduler = Scheduler(registry: registry, client: ecs.client, triggers: NoTriggers(), settings: settings)
        running.withLock { $0 = scheduler }
        scheduler.start()
    }

    /// Stops the scheduler, as a daemon shutdown does.
    func stop() {
        running.withLock { $0 }?.stop(timeout: 10)
    }

    func job(_ id: String) -> Job? { registry.job(id: id) }

    func runningCount(_ family: String = "sleeper-task") -> Int {
        ecs.runningCount(cluster: cluster, family: family)
    }

    /// Waits until the job's `estimatedNextRun` is at least `seconds` after `date`, which
    /// shows that the fires before it were handled.
    func waitForFires(of id: String, after date: Date, seconds: TimeInterval) -> Bool {
        eventually(timeout: seconds + 10) {
            (job(id)?.estimatedNextRun).map { $0 >= date.addingTimeInterval(seconds) } ?? false
        }
    }
}

/// Returns the environment of the task's container overrides as name-value pairs.
func overrideEnvironment(_ task: [String: Any]) -> [String: String] {
    let overrides = task["overrides"] as? [String: Any]
    let containers = overrides?["containerOverrides"] as? [[String: Any]] ?? []
    var environment: [String: String] = [:]
    for container in containers {
        for variable in container["environment"] as? [[String: Any]] ?? [] {
            if let name = variable["name"] as? String, let value = variable["value"] as? String {
                environment[name] = value
            }
        }
    }
    return environment
}

@Suite("Scheduler against moto", .serialized)
struct MotoSchedulerTests {
    @Test("jobs start tasks at their times")
    func firesOnSchedule() throws {
        let harness = try MotoHarness()
        var job = Job(id: "sleeper", taskDefinition: "sleeper-task", schedule: "*/2")
        job.taskCount = 2
        try harness.registry.create(job)
        harness.start()

        #expect(eventually(timeout: 20) { harness.job("sleeper")?.lastRun != nil })
        let recorded = try #require(harness.job("sleeper"))
        let lastRun = try #require(recorded.lastRun)
        #expect(lastRun.timeIntervalSince1970.truncatingRemainder(dividingBy: 2) == 0)
        #expect(recorded.lastRunTasks?.count == 2)
        #expect(recorded.lastRunTasks?.allSatisfy { $0.hostId == harness.containerInstance } == true)

        let tasks = try harness.ecs.runningTasks(cluster: harness.cluster, family: "sleeper-task")
        #expect(tasks.count == 2)
        #expect(tasks.allSatisfy { $0["startedBy"] as? String == "scheduler-test" })
        #expect(Set(tasks.compactMap { $0["taskArn"] as? String }) == Set(recorded.lastRunTasks?.map(\.taskId) ?? []))

        // Later fires find the tasks running and start none.
        #expect(harness.waitForFires(of: "sleeper", after: lastRun, seconds: 6))
        #expect(harness.runningCount() == 2)
        #expect(harness.job("sleeper")?.lastRun == lastRun)

        // Once the tasks stop, the next fire starts new ones.
        try harness.ecs.stopTasks(cluster: harness.cluster, family: "sleeper-task")
        #expect(eventually(timeout: 20) { (harness.job("sleeper")?.lastRun).map { $0 > lastRun } ?? false })
        #expect(harness.runningCount() == 2)
    }

    @Test("overrides and the job tag reach ECS")
    func overridesReachECS() throws {
        let harness = try MotoHarness()
        var short = Job(id: "long-sleep-task", taskDefinition: "sleeper-task", schedule: "*/2")
        short.overrides = [ContainerOverride(containerName: "sleeper-container", environment: ["SLEEP_SECONDS": "10"])]
        var long = Job(id: "longer-sleep-task", taskDefinition: "sleeper-task", schedule: "*/2")
        long.taskCount = 2
        long.overrides = [ContainerOverride(containerName: "sleeper-container", environment: ["SLEEP_SECONDS": "20"],
                                            command: ["sleep", "20"])]
        try harness.registry.create(short)
        try harness.registry.create(long)
        harness.start()

        #expect(eventually(timeout: 20) {
            harness.job("long-sleep-task")?.lastRun != nil && harness.job("longer-sleep-task")?.lastRun != nil
        })
        let started = try #require(harness.job("longer-sleep-task")?.lastRun)
        #expect(harness.waitForFires(of: "longer-sleep-task", after: started, seconds: 6))

        // Each job counts only its own tagged tasks, so together they keep three running.
        let tasks = try harness.ecs.runningTasks(cluster: harness.cluster, family: "sleeper-task")
        #expect(tasks.count == 3)
        let environments = tasks.map(overrideEnvironment)
        let shortTasks = environments.filter { $0["ECS_SCHEDULER_OVERRIDE_TAG"] == "long-sleep-task" }
        let longTasks = environments.filter { $0["ECS_SCHEDULER_OVERRIDE_TAG"] == "longer-sleep-task" }
        #expect(shortTasks.count == 1)
        #expect(shortTasks.allSatisfy { $0["SLEEP_SECONDS"] == "10" })
        #expect(longTasks.count == 2)
        #expect(longTasks.allSatisfy { $0["SLEEP_SECONDS"] == "20" })
    }

    @Test("Fargate job with a network configuration")
    func fargate() throws {
        let harness = try MotoHarness(containerInstance: false)
        var job = Job(id: "fargate", taskDefinition: "sleeper-task", schedule: "*/2")
        job.launchType = "FARGATE"
        job.networkConfiguration = ["awsvpcConfiguration": ["subnets": ["subnet-12345678"], "assignPublicIp": "ENABLED"]]
        try harness.registry.create(job)
        harness.start()

        #expect(eventually(timeout: 20) { harness.job("fargate")?.lastRun != nil })
        let recorded = try #require(harness.job("fargate"))
        #expect(recorded.lastRunTasks?.count == 1)
        #expect(recorded.lastRunTasks?.first?.hostId == nil)
        let tasks = try harness.ecs.runningTasks(cluster: harness.cluster, family: "sleeper-task")
        #expect(tasks.count == 1)
        #expect(tasks.first?["launchType"] as? String == "FARGATE")
    }

    @Test("suspended job starts nothing until resumed")
    func suspendAndResume() throws {
        let harness = try MotoHarness()
        try harness.registry.create(Job(id: "pausable", taskDefinition: "sleeper-task", schedule: "*/2"))
        harness.start()
        #expect(eventually(timeout: 20) { harness.job("pausable")?.lastRun != nil })

        try harness.registry.update(id: "pausable") { $0.suspended = true }
        try harness.ecs.stopTasks(cluster: harness.cluster, family: "sleeper-task")
        let estimate = harness.job("pausable")?.estimatedNextRun
        Thread.sleep(forTimeInterval: 4.5)
        #expect(harness.runningCount() == 0)
        #expect(harness.job("pausable")?.estimatedNextRun == estimate)

        let suspendedRun = try #require(harness.job("pausable")?.lastRun)
        try harness.registry.update(id: "pausable") { $0.suspended = false }
        #expect(eventually(timeout: 20) { (harness.job("pausable")?.lastRun).map { $0 > suspendedRun } ?? false })
        #expect(harness.runningCount() == 1)
    }

    @Test("deleted job starts nothing more")
    func deleteWhileScheduled() throws {
        let harness = try MotoHarness()
        try harness.registry.create(Job(id: "deleted", taskDefinition: "sleeper-task", schedule: "*/2"))
        harness.start()
        #expect(eventually(timeout: 20) { harness.job("deleted")?.lastRun != nil })

        try harness.registry.delete(id: "deleted")
        try harness.ecs.stopTasks(cluster: harness.cluster, family: "sleeper-task")
        Thread.sleep(forTimeInterval: 4.5)
        #expect(harness.runningCount() == 0)
        #expect(harness.job("deleted") == nil)
    }

    @Test("restart resumes from lastRun")
    func restartResumes() throws {
        let harness = try MotoHarness()
        let now = Date()
        var job = Job(id: "hourly", taskDefinition: "sleeper-task", schedule: "0 0")
        job.lastRun = now.addingTimeInterval(-3 * 3_600)
        try harness.registry.create(job)
        harness.start()

        // Fires older than an hour are missed; the latest, within the hour, runs once now.
        let latestHour = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3_600).rounded(.down) * 3_600)
        #expect(eventually(timeout: 20) { harness.job("hourly")?.lastRun == latestHour })
        #expect(harness.runningCount() == 1)
        #expect(harness.job("hourly")?.estimatedNextRun == latestHour.addingTimeInterval(3_600))
        #expect(logLines("missed fire skipped", jobID: "hourly").count == 1)

        // A second start finds the run recorded and starts nothing.
        harness.stop()
        try harness.ecs.stopTasks(cluster: harness.cluster, family: "sleeper-task")
        harness.start()
        Thread.sleep(forTimeInterval: 2)
        #expect(harness.runningCount() == 0)
        #expect(harness.job("hourly")?.lastRun == latestHour)
    }

    @Test("fire missed by over an hour is not run")
    func missedFire() throws {
        let harness = try MotoHarness()
        let missed = Date(timeIntervalSince1970: Date().addingTimeInterval(-2 * 3_600).timeIntervalSince1970.rounded(.down))
        var parts = tm()
        var seconds = time_t(missed.timeIntervalSince1970)
        gmtime_r(&seconds, &parts)
        var job = Job(id: "daily", taskDefinition: "sleeper-task", schedule: "\(parts.tm_sec) \(parts.tm_min) \(parts.tm_hour)")
        job.lastRun = missed.addingTimeInterval(-86_400)
        try harness.registry.create(job)
        harness.start()

        #expect(eventually(timeout: 20) { harness.job("daily")?.estimatedNextRun == missed.addingTimeInterval(86_400) })
        #expect(harness.runningCount() == 0)
        #expect(harness.job("daily")?.lastRun == missed.addingTimeInterval(-86_400))
        let lines = logLines("missed fire skipped", jobID: "daily")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("fire.scheduled_at=\(Timestamp.format(missed))") == true)
    }

    @Test("start failures are logged and the job keeps firing")
    func startFailures() throws {
        let harness = try MotoHarness()
        try harness.ecs.createCluster("no-instances")
        let ghost = Job(id: "ghost", taskDefinition: "missing-task", schedule: "*/2")
        var homeless = Job(id: "homeless", taskDefinition: "sleeper-task", schedule: "*/2")
        homeless.cluster = "no-instances"
        try harness.registry.create(ghost)
        try harness.registry.create(homeless)
        let start = Date()
        harness.start()

        #expect(harness.waitForFires(of: "ghost", after: start, seconds: 5))
        #expect(harness.waitForFires(of: "homeless", after: start, seconds: 5))
        // The same failure at every fire is logged at ERROR once, then counted.
        let ghostErrors = logLines("fire failed", jobID: "ghost").filter { $0.hasPrefix("ERROR:") }
        #expect(ghostErrors.count == 1)
        let homelessErrors = logLines("fire failed", jobID: "homeless").filter { $0.hasPrefix("ERROR:") }
        #expect(homelessErrors.count == 1)
        #expect(homelessErrors.first?.contains("error=") == true)
        #expect(harness.job("ghost")?.lastRun == nil)
        #expect(harness.job("homeless")?.lastRun == nil)
        #expect(harness.ecs.runningCount(cluster: "no-instances", family: "sleeper-task") == 0)
    }
}
