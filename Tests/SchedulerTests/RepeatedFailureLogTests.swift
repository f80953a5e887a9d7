import Foundation
import Testing
@testable import Scheduler

@Suite struct RepeatedFailureLogTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func firstFailureIsLogged() {
        let log = RepeatedFailureLog(interval: 600)
        #expect(log.record(jobID: "a", message: "HTTP 501", at: start) == 0)
    }

    @Test func repeatsWithinIntervalAreCounted() {
        let log = RepeatedFailureLog(interval: 600)
        _ = log.record(jobID: "a", message: "HTTP 501", at: start)
        #expect(log.record(jobID: "a", message: "HTTP 501", at: start.addingTimeInterval(2)) == nil)
        #expect(log.record(jobID: "a", message: "HTTP 501", at: start.addingTimeInterval(4)) == nil)
        #expect(log.record(jobID: "a", message: "HTTP 501", at: start.addingTimeInterval(601)) == 2)
    }

    @Test func newMessageIsLoggedAtOnce() {
        let log = RepeatedFailureLog(interval: 600)
        _ = log.record(jobID: "a", message: "HTTP 501", at: start)
        #expect(log.record(jobID: "a", message: "HTTP 503", at: start.addingTimeInterval(1)) == 0)
    }

    @Test func jobsAreCountedApart() {
        let log = RepeatedFailureLog(interval: 600)
        _ = log.record(jobID: "a", message: "HTTP 501", at: start)
        #expect(log.record(jobID: "b", message: "HTTP 501", at: start.addingTimeInterval(1)) == 0)
    }

    @Test func successClearsTheJob() {
        let log = RepeatedFailureLog(interval: 600)
        _ = log.record(jobID: "a", message: "HTTP 501", at: start)
        log.clear(jobID: "a")
        #expect(log.record(jobID: "a", message: "HTTP 501", at: start.addingTimeInterval(1)) == 0)
    }

    @Test func requestIDsDoNotMakeMessagesNew() {
        let log = RepeatedFailureLog(interval: 600)
        _ = log.record(jobID: "a", message: "RunTask failed: ClientException (request id 1-a)", at: start)
        #expect(log.record(jobID: "a", message: "RunTask failed: ClientException (request id 2-b)",
                           at: start.addingTimeInterval(2)) == nil)
        #expect(RepeatedFailureLog.withoutRequestIDs("x (request id 9) y (request id 8)") == "x y")
    }
}
