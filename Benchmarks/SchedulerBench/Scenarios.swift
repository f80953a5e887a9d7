import AWSClient
import CFakeECS
import Foundation
import JobModel
import JobStore
import Scheduler
import Synchronization

/// Builds a registry of `count` jobs with ids in ascending order (so the registry appends),
/// each with the schedule `schedule(index)` and its next fire already recorded, as after a
/// restart of the daemon.
func makeRegistry(count: Int, schedule: (Int) -> String, nextRun: (Int) -> Date?) throws -> JobRegistry {
    let registry = JobRegistry(store: InMemoryJobStore())
    for index in 0..<count {
        let id = "bench-" + String(repeating: "0", count: 7 - String(index).count) + String(index)
        var job = Job(id: id, taskDefinition: "bench-task", schedule: schedule(index))
        job.estimatedNextRun = nextRun(index)
        try registry.create(job)
    }
    return registry
}

/// Measures jobs all due in the same second, fired against the local fake ECS endpoint over
/// HTTP: how many RunTask calls arrived, and how long after the scheduled second.
func measureLateness(jobs count: Int, p99Target: Double?, maxTarget: Double?) throws {
    let port = freeLoopbackPort()
    guard fake_ecs_start(port, 2) == 0 else {
        throw BenchError("the fake ECS endpoint could not listen on 127.0.0.1:\(port)")
    }
    defer { fake_ecs_stop() }
    let client = try AWSClient(environment: [
        "AWS_ENDPOINT_URL_ECS": "http://127.0.0.1:\(port)", "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_EC2_METADATA_DISABLED": "true",
        // A home folder that does not exist, so that no shared AWS file of the user is read.
        "HOME": NSTemporaryDirectory() + "ecss-bench-no-home",
    ])

    // Leave time to build the jobs and start before the fire second.
    let due = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 2 + Double(count) / 2_000).rounded(.up))
    let registry = try makeRegistry(count: count, schedule: { _ in scheduleFiringOnce(at: due) }, nextRun: { _ in due })
    let scheduler = Scheduler(registry: registry, client: client, triggers: NoTriggers(),
                              settings: SchedulerSettings(cluster: "bench"))
    scheduler.start()
    defer { scheduler.stop(timeout: 10) }

    let giveUp = due.addingTimeInterval(60)
    while fake_ecs_run_task_count() < count, Date() < giveUp {
        Thread.sleep(forTimeInterval: 0.01)
    }
    var arrivals = [Double](repeating: 0, count: count)
    let received = fake_ecs_copy_arrivals(&arrivals, count)
    let lateness = arrivals.prefix(received).map { $0 - due.timeIntervalSince1970 }.sorted()
    var tokens = Set<String>()
    var token = [CChar](repeating: 0, count: 65)
    for index in 0..<received {
        fake_ecs_copy_token(index, &token)
        let bytes = token.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        tokens.insert(String(decoding: bytes, as: UTF8.self))
    }

    let label = "\(count) jobs due at once"
    report("\(label): RunTask calls", "\(received) of \(count), \(tokens.count) distinct client tokens",
           target: "all \(count)", met: received == count && tokens.count == count)
    print("\(label): first RunTask after \(milliseconds(lateness.first ?? .nan)), median \(milliseconds(percentile(lateness, 0.5)))")
    let p99 = percentile(lateness, 0.99)
    let maximum = lateness.last ?? .nan
    if let p99Target {
        report("\(label): p99 lateness", milliseconds(p99), target: "< \(milliseconds(p99Target))", met: p99 < p99Target)
    } else {
        print("\(label): p99 lateness: \(milliseconds(p99))")
    }
    if let maxTarget {
        report("\(label): last RunTask after", milliseconds(maximum), target: "< \(milliseconds(maxTarget))",
               met: maximum < maxTarget)
    } else {
        print("\(label): last RunTask after: \(milliseconds(maximum))")
    }
}

/// Measures the scheduler's CPU per fire for jobs due in the same second, against an
/// in-process ECS. It counts the timer, the worker, the RunTask body and the record of the run.
func measureCPUPerFire(jobs count: Int, target: Double) throws {
    let ecs = InstantECS()
    let due = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 2 + Double(count) / 2_000).rounded(.up))
    let registry = try makeRegistry(count: count, schedule: { _ in scheduleFiringOnce(at: due) }, nextRun: { _ in due })
    let recorded = RecordCounter()
    registry.observe { change in
        if case .updated(let job) = change, job.lastRun == due { recorded.increment() }
    }
    let scheduler = Scheduler(registry: registry, ecs: ecs, fireTimes: EngineFireTimeCalculator(),
                              triggers: NoTriggers(), settings: SchedulerSettings(cluster: "bench"))
    scheduler.start()
    defer { scheduler.stop(timeout: 10) }

    Thread.sleep(forTimeInterval: max(0, due.timeIntervalSinceNow - 0.5))
    let before = processCPUSeconds()
    let giveUp = due.addingTimeInterval(60)
    while recorded.value < count, Date() < giveUp {
        Thread.sleep(forTimeInterval: 0.002)
    }
    let perFire = (processCPUSeconds() - before) / Double(count)
    report("CPU per fire (\(count) fires, no HTTP)", String(format: "%.1f µs", perFire * 1e6),
           target: String(format: "< %.0f µs", target * 1e6), met: perFire < target && recorded.value == count)
}

/// Measures the resident memory with `count` jobs loaded into the registry and the scheduler.
func measureMemory(jobs count: Int, targetMiB: Double) throws {
    let calculator = EngineFireTimeCalculator()
    let now = Date()
    let hours = [1, 2, 3, 4, 6, 12]
    // Varied schedules, as jobs written with `?` get: 21,600 distinct ones.
    let schedule = { (index: Int) in "\(index % 60) \(index / 60 % 60) */\(hours[index / 3_600 % hours.count])" }
    let registry = try makeRegistry(count: count, schedule: schedule, nextRun: { index in
        (try? calculator.compile(ScheduleKey(schedule: schedule(index))))?.nextFire(after: now)
    })
    let registryOnly = residentMiB()
    let scheduler = Scheduler(registry: registry, ecs: InstantECS(), fireTimes: calculator, triggers: NoTriggers(),
                              settings: SchedulerSettings(cluster: "bench"))
    scheduler.start()
    defer { scheduler.stop(timeout: 10) }
    Thread.sleep(forTimeInterval: 2)
    let total = residentMiB()
    report("RSS with \(count) jobs", String(format: "%.0f MiB (registry and store alone %.0f MiB)", total, registryOnly),
           target: String(format: "< %.0f MiB", targetMiB), met: total < targetMiB)
}

/// Measures the CPU the daemon uses with `count` jobs of which none is due.
func measureIdle(jobs count: Int, seconds: Double, targetPercent: Double) throws {
    let calculator = EngineFireTimeCalculator()
    let now = Date()
    let schedule = { (index: Int) in "\(index % 60) \(index / 60 % 60) 0 * * 1 1" }
    let registry = try makeRegistry(count: count, schedule: schedule, nextRun: { index in
        (try? calculator.compile(ScheduleKey(schedule: schedule(index))))?.nextFire(after: now)
    })
    let scheduler = Scheduler(registry: registry, ecs: InstantECS(), fireTimes: calculator, triggers: NoTriggers(),
                              settings: SchedulerSettings(cluster: "bench"))
    scheduler.start()
    defer { scheduler.stop(timeout: 10) }
    Thread.sleep(forTimeInterval: 2)
    let before = processCPUSeconds()
    Thread.sleep(forTimeInterval: seconds)
    let percent = (processCPUSeconds() - before) / seconds * 100
    report("idle CPU with \(count) jobs, none due (\(Int(seconds)) s)", String(format: "%.3f%% of one core", percent),
           target: String(format: "< %.0f%%", targetPercent), met: percent < targetPercent)
}

/// A counter shared between the registry's observer and the measuring thread.
final class RecordCounter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }

    var value: Int { count.withLock { $0 } }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
