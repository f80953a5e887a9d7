import Foundation
import JobModel
import JobStore

/// The timer core of the scheduler: every job's next fire time in a heap, and the rules of
/// when a job fires. It performs no I/O and reads no clock; its methods take the time and
/// return the actions the caller performs.
///
/// A job has at most one fire in flight. A fire time that comes due while the job is firing
/// waits for that fire to finish (`finishFire`) and is then resolved like any late fire.
struct SchedulerState {
    private struct Entry {
        var id: String
        var compiled: CompiledSchedule
        var suspended: Bool
        /// The first fire time not yet handled; kept while suspended.
        var nextFire: Date?
        /// The scheduled time of the fire in flight.
        var firingAt: Date?
        /// `nextFire` came due while a fire was in flight.
        var dueWhileFiring = false
        /// The job was deleted while a fire was in flight; the entry goes when it finishes.
        var deleted = false
        var incarnation: UInt32
    }

    let calculator: any FireTimeCalculator
    /// How late a fire may run, in seconds; later fires are skipped and logged as missed.
    let missedFireGrace: TimeInterval

    private var slotByID: [String: Int] = [:]
    private var entries: [Entry?] = []
    private var freeSlots: [Int] = []
    private var heap = FireHeap()
    private var schedules: [ScheduleKey: CompiledSchedule] = [:]
    private var nextIncarnation: UInt32 = 0

    init(calculator: any FireTimeCalculator, missedFireGrace: TimeInterval) {
        self.calculator = calculator
        self.missedFireGrace = missedFireGrace
    }

    /// The number of jobs known, including deleted ones whose fire is still in flight.
    var jobCount: Int { slotByID.count }

    /// The earliest pending fire time of all jobs.
    var nextDeadline: Date? {
        heap.top.map { Date(timeIntervalSince1970: $0.time) }
    }

    // MARK: Changes

    /// Adds the jobs found at start-up. Each resumes from its last fire: fire times since
    /// then are run once now when the latest is within the grace period, else logged as
    /// missed. Jobs already known (from a change that arrived first) are left as they are.
    mutating func load(_ jobs: [Job], now: Date) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        heap.reserveCapacity(heap.count + jobs.count)
        slotByID.reserveCapacity(slotByID.count + jobs.count)
        for job in jobs where slotByID[job.id] == nil {
            let slot = addEntry(for: job, actions: &actions)
            guard let schedule = entries[slot]!.compiled.schedule else { continue }
            let resumed = Self.resumePoint(of: job, schedule: schedule, now: now)
            entries[slot]!.nextFire = resumed
            guard !job.suspended else { continue }
            if let resumed, resumed <= now {
                actions += resolveDue(slot: slot, now: now)
            } else {
                placeInHeap(slot)
            }
        }
        return actions
    }

    /// Applies a change made through the registry. A changed schedule or a job no longer
    /// suspended fires next at its first fire time after `now`.
    mutating func apply(_ change: JobChange, now: Date) -> [SchedulerAction] {
        switch change {
        case .created(let job), .updated(let job):
            return upsert(job, now: now)
        case .deleted(let id):
            remove(id: id)
            return []
        }
    }

    private mutating func upsert(_ job: Job, now: Date) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        guard let slot = slotByID[job.id], !entries[slot]!.deleted else {
            let slot = slotByID[job.id].map { revive(slot: $0, job: job, actions: &actions) }
                ?? addEntry(for: job, actions: &actions)
            reschedule(slot: slot, job: job, now: now, actions: &actions)
            return actions
        }

        let key = ScheduleKey(job: job)
        let keyChanged = entries[slot]!.compiled.key != key
        let resumed = entries[slot]!.suspended && !job.suspended
        if keyChanged {
            replaceSchedule(slot: slot, key: key, jobID: job.id, actions: &actions)
        }
        entries[slot]!.suspended = job.suspended
        if job.suspended {
            heap.remove(slot: slot)
            entries[slot]!.dueWhileFiring = false
        } else if keyChanged || resumed {
            reschedule(slot: slot, job: job, now: now, actions: &actions)
        }
        return actions
    }

    /// Sets the first fire time after `now`.
    ///
    /// The job's `estimatedNextRun` is written only when it fires, as the product defines it:
    /// a job just created reads back exactly as it was sent, and loading or changing many
    /// jobs costs no extra store writes.
    private mutating func reschedule(slot: Int, job: Job, now: Date, actions: inout [SchedulerAction]) {
        let next = entries[slot]!.compiled.schedule?.nextFire(after: now)
        entries[slot]!.nextFire = next
        entries[slot]!.dueWhileFiring = false
        if job.suspended {
            heap.remove(slot: slot)
            return
        }
        placeInHeap(slot)
    }

    private mutating func remove(id: String) {
        guard let slot = slotByID[id] else { return }
        heap.remove(slot: slot)
        if entries[slot]!.firingAt != nil {
            entries[slot]!.deleted = true
            entries[slot]!.dueWhileFiring = false
        } else {
            freeEntry(slot: slot)
        }
    }

    // MARK: Fires

    /// Takes every fire time at or before `now` out of the heap and returns what to do with
    /// each: run it (coalescing fire times missed within the grace period), or log it as
    /// missed. Jobs with a fire in flight run again once it finishes.
    mutating func takeDue(now: Date) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        let limit = now.timeIntervalSince1970
        while let top = heap.top, top.time <= limit {
            heap.remove(slot: top.slot)
            if entries[top.slot]!.firingAt != nil {
                entries[top.slot]!.dueWhileFiring = true
            } else {
                actions += resolveDue(slot: top.slot, now: now)
            }
        }
        return actions
    }

    /// Marks `fire` as finished, so the job may fire again, and resolves a fire time that
    /// came due meanwhile.
    mutating func finishFire(_ fire: Fire, now: Date) -> [SchedulerAction] {
        guard let slot = slotByID[fire.jobID] else { return [] }
        if entries[slot]!.deleted {
            freeEntry(slot: slot)
            return []
        }
        entries[slot]!.firingAt = nil
        guard entries[slot]!.dueWhileFiring else { return [] }
        entries[slot]!.dueWhileFiring = false
        return resolveDue(slot: slot, now: now)
    }

    /// Returns the next fire time to record for `fire`'s job, or `.gone` when the job was
    /// deleted since the fire started.
    func nextRun(for fire: Fire) -> NextRunLookup {
        guard let slot = slotByID[fire.jobID], let entry = entries[slot], !entry.deleted,
              entry.incarnation == fire.incarnation else { return .gone }
        return .scheduled(entry.nextFire)
    }

    /// Returns the next fire time to record for the job `id`.
    func nextRun(ofJob id: String) -> NextRunLookup {
        guard let slot = slotByID[id], let entry = entries[slot], !entry.deleted else { return .gone }
        return .scheduled(entry.nextFire)
    }

    /// Returns whether the job has a fire in flight, for tests.
    func isFiring(jobID: String) -> Bool {
        slotByID[jobID].flatMap { entries[$0]?.firingAt } != nil
    }

    /// Resolves the due fire time of the entry in `slot`, which is out of the heap and has no
    /// fire in flight, and puts its following fire time in the heap.
    private mutating func resolveDue(slot: Int, now: Date) -> [SchedulerAction] {
        let entry = entries[slot]!
        guard let schedule = entry.compiled.schedule, let due = entry.nextFire else { return [] }
        let resolution = MissedFirePolicy.resolve(due: due, now: now, grace: missedFireGrace, schedule: schedule)

        var actions: [SchedulerAction] = []
        if let missed = resolution.firstMissed {
            actions.append(.logMissed(jobID: entry.id, firstMissed: missed))
        }
        entries[slot]!.nextFire = resolution.next
        placeInHeap(slot)
        if let fireAt = resolution.fireAt {
            entries[slot]!.firingAt = fireAt
            actions.append(.fire(Fire(jobID: entry.id, scheduledAt: fireAt, incarnation: entry.incarnation)))
        } else {
            actions.append(.recordNextRun(jobID: entry.id))
        }
        return actions
    }

    /// Puts the entry's `nextFire` in the heap, or takes the entry out when it has none.
    private mutating func placeInHeap(_ slot: Int) {
        if let next = entries[slot]!.nextFire {
            heap.set(slot: slot, time: next.timeIntervalSince1970)
        } else {
            heap.remove(slot: slot)
        }
    }

    // MARK: Entries

    private mutating func addEntry(for job: Job, actions: inout [SchedulerAction]) -> Int {
        let compiled = acquireSchedule(ScheduleKey(job: job), jobID: job.id, actions: &actions)
        let entry = Entry(id: job.id, compiled: compiled, suspended: job.suspended, incarnation: takeIncarnation())
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            entries[slot] = entry
        } else {
            slot = entries.count
            entries.append(entry)
        }
        slotByID[job.id] = slot
        return slot
    }

    /// Gives a deleted entry whose fire is still in flight to a new job with the same id. The
    /// fire in flight keeps the new job from firing until it finishes.
    private mutating func revive(slot: Int, job: Job, actions: inout [SchedulerAction]) -> Int {
        replaceSchedule(slot: slot, key: ScheduleKey(job: job), jobID: job.id, actions: &actions)
        entries[slot]!.deleted = false
        entries[slot]!.suspended = job.suspended
        entries[slot]!.incarnation = takeIncarnation()
        return slot
    }

    private mutating func freeEntry(slot: Int) {
        guard let entry = entries[slot] else { return }
        heap.remove(slot: slot)
        releaseSchedule(entry.compiled)
        slotByID[entry.id] = nil
        entries[slot] = nil
        freeSlots.append(slot)
    }

    private mutating func replaceSchedule(slot: Int, key: ScheduleKey, jobID: String,
                                          actions: inout [SchedulerAction]) {
        let old = entries[slot]!.compiled
        entries[slot]!.compiled = acquireSchedule(key, jobID: jobID, actions: &actions)
        releaseSchedule(old)
    }

    private mutating func takeIncarnation() -> UInt32 {
        nextIncarnation &+= 1
        return nextIncarnation
    }

    /// Returns the compiled schedule for `key`, compiling it on first use. Jobs with equal
    /// keys share one, which keeps the memory per job small.
    private mutating func acquireSchedule(_ key: ScheduleKey, jobID: String,
                                          actions: inout [SchedulerAction]) -> CompiledSchedule {
        let compiled: CompiledSchedule
        if let cached = schedules[key] {
            compiled = cached
        } else {
            compiled = CompiledSchedule(key: key, calculator: calculator)
            schedules[key] = compiled
        }
        compiled.users += 1
        if let error = compiled.error {
            actions.append(.logInvalidSchedule(jobID: jobID, message: error.message))
        }
        return compiled
    }

    private mutating func releaseSchedule(_ compiled: CompiledSchedule) {
        compiled.users -= 1
        if compiled.users == 0 { schedules[compiled.key] = nil }
    }

    /// Returns the first fire time of a job loaded at start-up: the first one after its last
    /// fire.
    ///
    /// The last fire is `lastRun`, unless `estimatedNextRun` is later. Fires that started no
    /// tasks leave `lastRun` alone but move `estimatedNextRun` on, and must not run again.
    /// A job that never fired starts at `scheduleStart`, or else after `now`.
    static func resumePoint(of job: Job, schedule: any FireSchedule, now: Date) -> Date? {
        let justBefore: TimeInterval = -0.000_001
        if let estimate = job.estimatedNextRun, job.lastRun.map({ estimate > $0 }) ?? true {
            return schedule.nextFire(after: estimate.addingTimeInterval(justBefore))
        }
        if let lastRun = job.lastRun {
            return schedule.nextFire(after: lastRun)
        }
        if let start = job.scheduleStart {
            return schedule.nextFire(after: start.addingTimeInterval(justBefore))
        }
        return schedule.nextFire(after: now)
    }
}

/// A schedule compiled once and shared by every job with the same `ScheduleKey`.
///
/// # Thread safety
/// Only `SchedulerState` touches `users`, and only under the lock that guards the state.
private final class CompiledSchedule {
    let key: ScheduleKey
    let schedule: (any FireSchedule)?
    let error: FireScheduleError?
    /// The number of entries that use this schedule.
    var users = 0

    init(key: ScheduleKey, calculator: any FireTimeCalculator) {
        self.key = key
        do throws(FireScheduleError) {
            schedule = try calculator.compile(key)
            error = nil
        } catch {
            schedule = nil
            self.error = error
        }
    }
}
