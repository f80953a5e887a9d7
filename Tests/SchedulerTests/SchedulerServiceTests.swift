import Foundation
import JobModel
import JobStore
import Logging
@testable import Scheduler
import Testing

/// A scheduler on a manual clock, an in-memory registry and a fake ECS.
final class SchedulerHarness: Sendable {
    let clock = ManualClock(epoch)
    let ecs = FakeECS()
    let registry = JobRegistry(store: InMemoryJobStore())
    let scheduler: Scheduler

    init(workers: Int = 4) {
        _ = logCapture
        var settings = SchedulerSettings(cluster: "test-cluster")
        settings.workerCount = workers
        settings.throttleInitialDelay = 0.01
        scheduler = Scheduler(registry: registry, ecs: ecs, fireTimes: IntervalCalculator(), triggers: NoTriggers(),
                              settings: settings, clock: clock)
    }

    deinit {
        ecs.releaseHeldCalls()
        scheduler.stop(timeout: 5)
    }

    func create(_ job: Job) throws {
        try registry.create(job)
    }

    func job(_ id: String) -> Job? { registry.job(id: id) }

    /// Moves the clock to `seconds` after `epoch`.
    func advance(to seconds: TimeInterval) {
        clock.set(epoch.addingTimeInterval(seconds))
    }

    func runTaskCount(_ taskDefinition: String) -> Int {
        ecs.runTaskInputs(taskDefinition: taskDefinition).count
    }

    func isFiring(_ id: String) -> Bool {
        scheduler.state.withLock { $0.isFiring(jobID: id) }
    }

    /// Waits until the scheduler has handled every fire and change so far.
    func waitUntilIdle(_ ids: [String]) -> Bool {
        eventually { ids.allSatisfy { !isFiring($0) } }
    }
}

@Suite("Scheduler service")
struct SchedulerServiceTests {
    @Test("job fires at its time and records the run")
    func firesAndRecords() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        var job = job("fires", every: 10)
        job.taskCount = 2
        try harness.create(job)
        #expect(eventually { harness.scheduler.nextFireTime(ofJob: "fires") == epoch.addingTimeInterval(10) })
        #expect(harness.runTaskCount("fires") == 0)

        harness.advance(to: 10)
        #expect(eventually { harness.job("fires")?.lastRun == epoch.addingTimeInterval(10) })
        let recorded = try #require(harness.job("fires"))
        #expect(recorded.lastRunTasks?.count == 2)
        #expect(recorded.lastRunTasks?.allSatisfy { $0.hostId != nil } == true)
        #expect(recorded.estimatedNextRun == epoch.addingTimeInterval(20))
        #expect(harness.ecs.runTaskInputs(taskDefinition: "fires").first?["count"] == 2)
    }

    @Test("running tasks prevent extra tasks")
    func runningCountRule() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        try harness.create(job("counted", every: 10))
        harness.advance(to: 10)
        #expect(eventually { harness.job("counted")?.lastRun == epoch.addingTimeInterval(10) })

        harness.advance(to: 20)
        #expect(eventually { harness.job("counted")?.estimatedNextRun == epoch.addingTimeInterval(30) })
        #expect(harness.runTaskCount("counted") == 1)
        #expect(harness.job("counted")?.lastRun == epoch.addingTimeInterval(10))
    }

    @Test("many jobs due at once all fire")
    func manyJobsAtOnce() throws {
        let harness = SchedulerHarness(workers: 8)
        harness.scheduler.start()
        let ids = (0..<300).map { "many-\($0)" }
        for id in ids { try harness.create(job(id, every: 10)) }
        harness.advance(to: 10)
        #expect(eventually { harness.ecs.runTaskInputs.count == 300 })
        let started = Set(harness.ecs.runTaskInputs.compactMap { $0["taskDefinition"]?.stringValue })
        #expect(started == Set(ids))
        #expect(eventually { ids.allSatisfy { harness.job($0)?.lastRun == epoch.addingTimeInterval(10) } })
    }

    @Test("schedule change takes effect at once")
    func changeTakesEffect() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        try harness.create(job("changed", every: 3_600))
        harness.advance(to: 1)
        try harness.registry.update(id: "changed") { $0.schedule = "every 5" }
        #expect(eventually { harness.scheduler.nextFireTime(ofJob: "changed") == epoch.addingTimeInterval(5) })
        harness.advance(to: 5)
        #expect(eventually { harness.runTaskCount("changed") == 1 })
    }

    @Test("job never fires twice at once")
    func neverTwiceAtOnce() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        try harness.create(job("slow", every: 10))
        harness.ecs.holdRunTasks()
        harness.advance(to: 10)
        #expect(eventually { harness.ecs.heldCalls == 1 })

        // Two more fire times pass while the first fire waits on ECS.
        harness.advance(to: 20)
        harness.advance(to: 30)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(harness.ecs.runTaskInputs.count == 1)
        #expect(harness.ecs.listTasksCalls.count == 1)

        harness.ecs.endTasksAtOnce()
        harness.ecs.releaseHeldCalls()
        // They coalesce into one run, for the latest of them.
        #expect(eventually { harness.job("slow")?.lastRun == epoch.addingTimeInterval(30) })
        #expect(harness.runTaskCount("slow") == 2)
        #expect(harness.ecs.maxConcurrentRunTasks == 1)
    }

    @Test("suspended job does not fire until resumed")
    func suspendAndResume() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        try harness.create(job("paused", every: 10))
        #expect(eventually { harness.scheduler.nextFireTime(ofJob: "paused") == epoch.addingTimeInterval(10) })
        try harness.registry.update(id: "paused") { $0.suspended = true }
        harness.advance(to: 10)
        harness.advance(to: 20)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(harness.runTaskCount("paused") == 0)
        #expect(harness.scheduler.nextFireTime(ofJob: "paused") == epoch.addingTimeInterval(10))

        harness.advance(to: 25)
        try harness.registry.update(id: "paused") { $0.suspended = false }
        #expect(eventually { harness.scheduler.nextFireTime(ofJob: "paused") == epoch.addingTimeInterval(30) })
        harness.advance(to: 30)
        #expect(eventually { harness.job("paused")?.lastRun == epoch.addingTimeInterval(30) })
        #expect(harness.runTaskCount("paused") == 1)
    }

    @Test("job deleted while firing finishes and stops")
    func deleteWhileFiring() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        try harness.create(job("doomed", every: 10))
        harness.ecs.holdRunTasks()
        harness.advance(to: 10)
        #expect(eventually { harness.ecs.heldCalls == 1 })

        try harness.registry.delete(id: "doomed")
        harness.ecs.releaseHeldCalls()
        #expect(harness.waitUntilIdle(["doomed"]))
        #expect(harness.job("doomed") == nil)

        harness.advance(to: 20)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(harness.runTaskCount("doomed") == 1)
        #expect(harness.scheduler.state.withLock { $0.jobCount } == 0)
    }

    @Test("job created again while its old fire runs")
    func recreateWhileFiring() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        try harness.create(job("reborn", every: 10))
        harness.ecs.holdRunTasks()
        harness.advance(to: 10)
        #expect(eventually { harness.ecs.heldCalls == 1 })

        try harness.registry.delete(id: "reborn")
        try harness.create(job("reborn", every: 60))
        harness.ecs.releaseHeldCalls()
        #expect(harness.waitUntilIdle(["reborn"]))
        #expect(eventually { harness.scheduler.nextFireTime(ofJob: "reborn") == epoch.addingTimeInterval(60) })
        #expect(harness.job("reborn")?.lastRun == nil)
        #expect(harness.job("reborn")?.lastRunTasks == nil)
    }

    @Test("restart resumes from lastRun")
    func restartResumes() throws {
        let harness = SchedulerHarness()
        var stored = job("resumed", every: 300)
        stored.lastRun = epoch.addingTimeInterval(-1_800)
        try harness.create(stored)
        harness.advance(to: 100)
        harness.scheduler.start()
        #expect(eventually { harness.job("resumed")?.lastRun == epoch })
        #expect(harness.runTaskCount("resumed") == 1)
        #expect(harness.job("resumed")?.estimatedNextRun == epoch.addingTimeInterval(300))
    }

    @Test("restart skips a fire missed by over an hour")
    func restartMissed() throws {
        let harness = SchedulerHarness()
        var stored = job("stale", every: 7_200)
        stored.lastRun = epoch.addingTimeInterval(-7_200)
        try harness.create(stored)
        harness.advance(to: 3_700)
        harness.scheduler.start()
        #expect(eventually { harness.job("stale")?.estimatedNextRun == epoch.addingTimeInterval(7_200) })
        #expect(harness.runTaskCount("stale") == 0)
        #expect(harness.job("stale")?.lastRun == epoch.addingTimeInterval(-7_200))
        let lines = logLines("missed fire skipped", jobID: "stale")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("fire.scheduled_at=2026-01-01T00:00:00+00:00") == true)
    }

    @Test("start failures do not stop the job")
    func startFailuresKeepFiring() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        try harness.create(job("unplaceable", every: 10))
        harness.ecs.failEveryStart(reason: "RESOURCE:CPU")
        harness.advance(to: 10)
        #expect(eventually { harness.job("unplaceable")?.estimatedNextRun == epoch.addingTimeInterval(20) })
        harness.advance(to: 20)
        #expect(eventually { harness.job("unplaceable")?.estimatedNextRun == epoch.addingTimeInterval(30) })
        #expect(harness.runTaskCount("unplaceable") == 2)
        #expect(harness.job("unplaceable")?.lastRun == nil)
        #expect(logLines("task start failed", jobID: "unplaceable").count == 2)
    }

    @Test("stop lets fires in flight finish")
    func stopFinishesFires() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        try harness.create(job("in-flight", every: 10))
        harness.ecs.holdRunTasks()
        harness.advance(to: 10)
        #expect(eventually { harness.ecs.heldCalls == 1 })

        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { harness.ecs.releaseHeldCalls() }
        #expect(harness.scheduler.stop(timeout: 10))
        #expect(harness.job("in-flight")?.lastRun == epoch.addingTimeInterval(10))

        // Stopped: later fire times start nothing.
        harness.advance(to: 20)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(harness.runTaskCount("in-flight") == 1)
    }

    @Test("stop gives up on fires after its timeout")
    func stopTimesOut() throws {
        let harness = SchedulerHarness()
        harness.scheduler.start()
        try harness.create(job("stuck", every: 10))
        harness.ecs.holdRunTasks()
        harness.advance(to: 10)
        #expect(eventually { harness.ecs.heldCalls == 1 })
        #expect(!harness.scheduler.stop(timeout: 0.2))
    }
}
