import Foundation
import JobModel
import JobStore
@testable import Scheduler
import Testing

/// 2026-01-01T00:00:00Z, a multiple of every interval the tests use.
let epoch = Date(timeIntervalSince1970: 1_767_225_600)

func job(_ id: String, every seconds: Int, suspended: Bool = false) -> Job {
    var job = Job(id: id, taskDefinition: id, schedule: "every \(seconds)")
    job.suspended = suspended
    return job
}

func fires(in actions: [SchedulerAction]) -> [Fire] {
    actions.compactMap { if case .fire(let fire) = $0 { fire } else { nil } }
}

func missed(in actions: [SchedulerAction]) -> [(jobID: String, firstMissed: Date)] {
    actions.compactMap { if case .logMissed(let id, let date) = $0 { (id, date) } else { nil } }
}

func recorded(in actions: [SchedulerAction]) -> [String] {
    actions.compactMap { if case .recordNextRun(let id) = $0 { id } else { nil } }
}

@Suite("Scheduler state")
struct SchedulerStateTests {
    var state = SchedulerState(calculator: IntervalCalculator(), missedFireGrace: 3_600)

    @Test("new job fires at its next time")
    mutating func newJobFires() {
        let actions = state.apply(.created(job("a", every: 60)), now: epoch.addingTimeInterval(5))
        #expect(recorded(in: actions).isEmpty)
        #expect(state.nextDeadline == epoch.addingTimeInterval(60))
        #expect(state.nextRun(ofJob: "a") == .scheduled(epoch.addingTimeInterval(60)))

        #expect(state.takeDue(now: epoch.addingTimeInterval(59.9)).isEmpty)
        let due = fires(in: state.takeDue(now: epoch.addingTimeInterval(60)))
        #expect(due.map(\.jobID) == ["a"])
        #expect(due.first?.scheduledAt == epoch.addingTimeInterval(60))
        #expect(state.nextRun(ofJob: "a") == .scheduled(epoch.addingTimeInterval(120)))
    }

    @Test("many jobs due at once all fire")
    mutating func manyJobsDue() {
        for index in 0..<500 {
            _ = state.apply(.created(job("job-\(index)", every: [10, 15, 30][index % 3])), now: epoch)
        }
        let due = fires(in: state.takeDue(now: epoch.addingTimeInterval(30)))
        #expect(due.count == 500)
        #expect(Set(due.map(\.jobID)).count == 500)
        #expect(due.allSatisfy { $0.scheduledAt == epoch.addingTimeInterval(30) })
        #expect(state.nextDeadline == epoch.addingTimeInterval(40))
    }

    @Test("estimate equal to the stored one is not recorded")
    mutating func estimateUnchanged() {
        var stored = job("a", every: 60)
        stored.estimatedNextRun = epoch.addingTimeInterval(60)
        let actions = state.apply(.created(stored), now: epoch.addingTimeInterval(1))
        #expect(recorded(in: actions).isEmpty)
    }

    @Test("own record of a run changes nothing")
    mutating func ownRecordIgnored() {
        _ = state.apply(.created(job("a", every: 60)), now: epoch)
        var updated = job("a", every: 60)
        updated.lastRun = epoch
        updated.estimatedNextRun = epoch.addingTimeInterval(60)
        #expect(state.apply(.updated(updated), now: epoch.addingTimeInterval(30)).isEmpty)
        #expect(state.nextDeadline == epoch.addingTimeInterval(60))
    }

    @Test("schedule change takes effect at once")
    mutating func scheduleChange() {
        _ = state.apply(.created(job("a", every: 3_600)), now: epoch)
        let actions = state.apply(.updated(job("a", every: 10)), now: epoch.addingTimeInterval(1))
        #expect(recorded(in: actions).isEmpty)
        #expect(state.nextDeadline == epoch.addingTimeInterval(10))
    }

    @Test("due while firing waits for the fire")
    mutating func dueWhileFiring() {
        _ = state.apply(.created(job("a", every: 10)), now: epoch)
        let first = fires(in: state.takeDue(now: epoch.addingTimeInterval(10)))
        #expect(first.count == 1)

        // The fire is slow: two more fire times pass while it runs.
        #expect(fires(in: state.takeDue(now: epoch.addingTimeInterval(20))).isEmpty)
        #expect(fires(in: state.takeDue(now: epoch.addingTimeInterval(30))).isEmpty)
        #expect(state.isFiring(jobID: "a"))

        let after = fires(in: state.finishFire(first[0], now: epoch.addingTimeInterval(31)))
        #expect(after.map(\.scheduledAt) == [epoch.addingTimeInterval(30)])
        #expect(state.nextDeadline == epoch.addingTimeInterval(40))
    }

    @Test("schedule change racing a fire")
    mutating func changeDuringFire() {
        _ = state.apply(.created(job("a", every: 10)), now: epoch)
        let fire = fires(in: state.takeDue(now: epoch.addingTimeInterval(10)))[0]
        _ = state.apply(.updated(job("a", every: 60)), now: epoch.addingTimeInterval(11))
        #expect(state.nextRun(for: fire) == .scheduled(epoch.addingTimeInterval(60)))

        // The new fire time comes due before the old fire ends: it waits.
        #expect(fires(in: state.takeDue(now: epoch.addingTimeInterval(60))).isEmpty)
        let after = fires(in: state.finishFire(fire, now: epoch.addingTimeInterval(61)))
        #expect(after.map(\.scheduledAt) == [epoch.addingTimeInterval(60)])
    }

    @Test("finished fire does not fire again early")
    mutating func finishWithoutDue() {
        _ = state.apply(.created(job("a", every: 10)), now: epoch)
        let fire = fires(in: state.takeDue(now: epoch.addingTimeInterval(10)))[0]
        #expect(state.finishFire(fire, now: epoch.addingTimeInterval(12)).isEmpty)
        #expect(!state.isFiring(jobID: "a"))
        #expect(state.nextDeadline == epoch.addingTimeInterval(20))
    }

    @Test("suspended job keeps its estimate and never fires")
    mutating func suspendAndResume() {
        _ = state.apply(.created(job("a", every: 10)), now: epoch)
        let actions = state.apply(.updated(job("a", every: 10, suspended: true)), now: epoch.addingTimeInterval(1))
        #expect(actions.isEmpty)
        #expect(state.nextDeadline == nil)
        #expect(state.nextRun(ofJob: "a") == .scheduled(epoch.addingTimeInterval(10)))
        #expect(state.takeDue(now: epoch.addingTimeInterval(100)).isEmpty)

        let resumed = state.apply(.updated(job("a", every: 10)), now: epoch.addingTimeInterval(105))
        #expect(recorded(in: resumed).isEmpty)
        #expect(fires(in: resumed).isEmpty)
        #expect(missed(in: resumed).isEmpty)
        #expect(state.nextDeadline == epoch.addingTimeInterval(110))
    }

    @Test("suspend during a fire drops the fire time due meanwhile")
    mutating func suspendDuringFire() {
        _ = state.apply(.created(job("a", every: 10)), now: epoch)
        let fire = fires(in: state.takeDue(now: epoch.addingTimeInterval(10)))[0]
        _ = state.takeDue(now: epoch.addingTimeInterval(20))
        _ = state.apply(.updated(job("a", every: 10, suspended: true)), now: epoch.addingTimeInterval(21))
        #expect(state.finishFire(fire, now: epoch.addingTimeInterval(22)).isEmpty)
    }

    @Test("delete removes the job")
    mutating func delete() {
        _ = state.apply(.created(job("a", every: 10)), now: epoch)
        _ = state.apply(.deleted(id: "a"), now: epoch)
        #expect(state.jobCount == 0)
        #expect(state.nextDeadline == nil)
        #expect(state.nextRun(ofJob: "a") == .gone)
    }

    @Test("delete while firing ends after the fire")
    mutating func deleteWhileFiring() {
        _ = state.apply(.created(job("a", every: 10)), now: epoch)
        let fire = fires(in: state.takeDue(now: epoch.addingTimeInterval(10)))[0]
        _ = state.apply(.deleted(id: "a"), now: epoch.addingTimeInterval(11))
        #expect(state.nextRun(for: fire) == .gone)
        #expect(state.nextDeadline == nil)
        #expect(state.jobCount == 1)

        #expect(state.finishFire(fire, now: epoch.addingTimeInterval(12)).isEmpty)
        #expect(state.jobCount == 0)
        #expect(state.takeDue(now: epoch.addingTimeInterval(100)).isEmpty)
    }

    @Test("job created again while its old fire runs")
    mutating func recreateWhileFiring() {
        _ = state.apply(.created(job("a", every: 10)), now: epoch)
        let old = fires(in: state.takeDue(now: epoch.addingTimeInterval(10)))[0]
        _ = state.apply(.deleted(id: "a"), now: epoch.addingTimeInterval(11))
        _ = state.apply(.created(job("a", every: 5)), now: epoch.addingTimeInterval(12))

        // The old fire must not be recorded on the new job.
        #expect(state.nextRun(for: old) == .gone)
        #expect(state.nextRun(ofJob: "a") == .scheduled(epoch.addingTimeInterval(15)))
        // The new job waits for the old fire to end.
        #expect(fires(in: state.takeDue(now: epoch.addingTimeInterval(15))).isEmpty)
        let after = fires(in: state.finishFire(old, now: epoch.addingTimeInterval(16)))
        #expect(after.map(\.scheduledAt) == [epoch.addingTimeInterval(15)])
        #expect(state.nextRun(for: after[0]) == .scheduled(epoch.addingTimeInterval(20)))
    }

    @Test("late fires within the grace coalesce into one")
    mutating func coalesceWithinGrace() {
        _ = state.apply(.created(job("a", every: 60)), now: epoch)
        // The daemon was busy for 30 minutes: 30 fire times passed.
        let actions = state.takeDue(now: epoch.addingTimeInterval(1_830))
        #expect(missed(in: actions).isEmpty)
        #expect(fires(in: actions).map(\.scheduledAt) == [epoch.addingTimeInterval(1_800)])
        #expect(state.nextDeadline == epoch.addingTimeInterval(1_860))
    }

    @Test("fire more than the grace late is missed")
    mutating func missedBeyondGrace() {
        _ = state.apply(.created(job("a", every: 7_200)), now: epoch)
        let actions = state.takeDue(now: epoch.addingTimeInterval(7_200 + 3_601))
        #expect(fires(in: actions).isEmpty)
        #expect(missed(in: actions).map(\.firstMissed) == [epoch.addingTimeInterval(7_200)])
        #expect(recorded(in: actions) == ["a"])
        #expect(state.nextDeadline == epoch.addingTimeInterval(14_400))
    }

    @Test("fire exactly the grace late still runs")
    mutating func graceBoundary() {
        _ = state.apply(.created(job("a", every: 7_200)), now: epoch)
        let actions = state.takeDue(now: epoch.addingTimeInterval(7_200 + 3_600))
        #expect(missed(in: actions).isEmpty)
        #expect(fires(in: actions).map(\.scheduledAt) == [epoch.addingTimeInterval(7_200)])
    }

    @Test("old fires missed and recent ones coalesced")
    mutating func missedAndCoalesced() {
        _ = state.apply(.created(job("a", every: 600)), now: epoch)
        // Three hours late: fires older than an hour are missed, the rest run once.
        let actions = state.takeDue(now: epoch.addingTimeInterval(600 + 10_800))
        #expect(missed(in: actions).map(\.firstMissed) == [epoch.addingTimeInterval(600)])
        #expect(fires(in: actions).map(\.scheduledAt) == [epoch.addingTimeInterval(11_400)])
        #expect(state.nextDeadline == epoch.addingTimeInterval(12_000))
    }

    @Test("schedule with an end stops firing")
    mutating func scheduleEnd() {
        var ending = job("a", every: 10)
        ending.scheduleEnd = epoch.addingTimeInterval(25)
        _ = state.apply(.created(ending), now: epoch)
        let first = fires(in: state.takeDue(now: epoch.addingTimeInterval(10)))[0]
        _ = state.finishFire(first, now: epoch.addingTimeInterval(10))
        let second = fires(in: state.takeDue(now: epoch.addingTimeInterval(20)))[0]
        #expect(state.nextRun(for: second) == .scheduled(nil))
        _ = state.finishFire(second, now: epoch.addingTimeInterval(20))
        #expect(state.nextDeadline == nil)
    }

    @Test("invalid schedule is logged and never fires")
    mutating func invalidSchedule() {
        let invalid = Job(id: "bad", taskDefinition: "bad", schedule: "not a schedule")
        let actions = state.apply(.created(invalid), now: epoch)
        #expect(actions.contains(.logInvalidSchedule(jobID: "bad", message: "invalid schedule not a schedule")))
        #expect(state.nextDeadline == nil)
        #expect(state.nextRun(ofJob: "bad") == .scheduled(nil))
    }

    @Test("jobs sharing a schedule survive each other's changes")
    mutating func sharedSchedules() {
        _ = state.apply(.created(job("a", every: 10)), now: epoch)
        _ = state.apply(.created(job("b", every: 10)), now: epoch)
        _ = state.apply(.deleted(id: "a"), now: epoch)
        _ = state.apply(.updated(job("c", every: 10)), now: epoch)
        let due = fires(in: state.takeDue(now: epoch.addingTimeInterval(10)))
        #expect(due.map(\.jobID).sorted() == ["b", "c"])
    }
}

@Suite("Scheduler state at start-up")
struct SchedulerResumeTests {
    var state = SchedulerState(calculator: IntervalCalculator(), missedFireGrace: 3_600)
    let now = epoch.addingTimeInterval(86_400)

    @Test("resume within the grace fires once now")
    mutating func resumeWithinGrace() {
        var stored = job("a", every: 300)
        stored.lastRun = now.addingTimeInterval(-1_800)
        let actions = state.load([stored], now: now.addingTimeInterval(100))
        #expect(missed(in: actions).isEmpty)
        #expect(fires(in: actions).map(\.scheduledAt) == [now])
        #expect(state.nextDeadline == now.addingTimeInterval(300))
    }

    @Test("resume beyond the grace logs the miss")
    mutating func resumeBeyondGrace() {
        var stored = job("a", every: 21_600)
        stored.lastRun = now.addingTimeInterval(-21_600)
        let actions = state.load([stored], now: now.addingTimeInterval(7_200))
        #expect(fires(in: actions).isEmpty)
        #expect(missed(in: actions).map(\.firstMissed) == [now])
        #expect(state.nextDeadline == now.addingTimeInterval(21_600))
    }

    @Test("resume with nothing due waits")
    mutating func resumeNothingDue() {
        var stored = job("a", every: 3_600)
        stored.lastRun = now
        stored.estimatedNextRun = now.addingTimeInterval(3_600)
        let actions = state.load([stored], now: now.addingTimeInterval(60))
        #expect(actions.isEmpty)
        #expect(state.nextDeadline == now.addingTimeInterval(3_600))
    }

    @Test("later estimate wins over lastRun")
    mutating func resumeFromEstimate() {
        // Fires after lastRun started no tasks, but moved estimatedNextRun on.
        var stored = job("a", every: 60)
        stored.lastRun = now.addingTimeInterval(-600)
        stored.estimatedNextRun = now.addingTimeInterval(60)
        let actions = state.load([stored], now: now.addingTimeInterval(1))
        #expect(fires(in: actions).isEmpty)
        #expect(state.nextDeadline == now.addingTimeInterval(60))
    }

    @Test("job that never fired resumes at scheduleStart")
    mutating func resumeFromStart() {
        var stored = job("a", every: 60)
        stored.scheduleStart = now.addingTimeInterval(-120)
        let actions = state.load([stored], now: now.addingTimeInterval(1))
        #expect(fires(in: actions).map(\.scheduledAt) == [now])
    }

    @Test("job that never fired starts after now")
    mutating func resumeFresh() {
        let actions = state.load([job("a", every: 60)], now: now.addingTimeInterval(1))
        #expect(fires(in: actions).isEmpty)
        #expect(recorded(in: actions).isEmpty)
        #expect(state.nextDeadline == now.addingTimeInterval(60))
    }

    @Test("suspended job is loaded but never fires")
    mutating func resumeSuspended() {
        var stored = job("a", every: 60, suspended: true)
        stored.lastRun = now.addingTimeInterval(-600)
        let actions = state.load([stored], now: now)
        #expect(actions.isEmpty)
        #expect(state.nextDeadline == nil)
        #expect(state.jobCount == 1)
    }

    @Test("change before the snapshot wins")
    mutating func changeBeforeLoad() {
        _ = state.apply(.created(job("a", every: 10)), now: now)
        var stale = job("a", every: 60)
        stale.lastRun = now.addingTimeInterval(-30)
        #expect(state.load([stale], now: now).isEmpty)
        #expect(state.nextDeadline == now.addingTimeInterval(10))
    }
}
