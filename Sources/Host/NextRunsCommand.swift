import Foundation
import JobModel
import ScheduleEngine

/// `ecs-scheduler next-runs`: prints the next fire times of a schedule, so that users can
/// check a schedule before they give it to a job.
enum NextRunsCommand {
    static let usage = """
        usage: ecs-scheduler next-runs SCHEDULE [--timezone TZ] [--after INSTANT] [--count N]
                                       [--start INSTANT] [--end INSTANT] [--json]

        Prints the next fire times of SCHEDULE as ISO-8601 UTC instants, one per line.
        Quote the schedule so that it is one argument: next-runs '0 30 9 mon-fri'.

          --timezone TZ      IANA time zone the schedule is read in (default UTC)
          --after INSTANT    list fire times strictly after this instant (default now)
          --count N          how many fire times to list, 1 to \(maxCount) (default 5)
          --start INSTANT    the job's scheduleStart: no fire time before it (inclusive)
          --end INSTANT      the job's scheduleEnd: no fire time after it (inclusive)
          --json             print a JSON array of instants instead

        INSTANT is ISO-8601, e.g. 2026-12-04T19:10:00Z; no offset means UTC.
        Exit status: 0 on success, 2 for an invalid schedule or option.

        """
    static let maxCount = 1_000

    /// The text a run prints and its exit status.
    struct Output: Equatable {
        var status: Int32
        var standardOutput = ""
        var standardError = ""
    }

    /// A bad command line, which ends the command with status 2.
    struct UsageError: Error {
        var message: String
        var showsUsage = false
    }

    /// Runs the command with the arguments that follow `next-runs` and returns the exit status.
    static func run(arguments: [String]) -> Int32 {
        let output = execute(arguments: arguments, now: Date())
        if !output.standardOutput.isEmpty {
            print(output.standardOutput, terminator: "")
        }
        if !output.standardError.isEmpty {
            FileHandle.standardError.write(Data(output.standardError.utf8))
        }
        return output.status
    }

    /// Computes the command's output without printing it; `now` is the default for `--after`.
    static func execute(arguments: [String], now: Date) -> Output {
        let options: Options
        let schedule: Schedule
        let timeZone: ScheduleTimeZone
        do {
            options = try Options(arguments: arguments, now: now)
            if options.showsHelp {
                return Output(status: 0, standardOutput: usage)
            }
            (schedule, timeZone) = try options.scheduleAndTimeZone()
        } catch {
            return Output(status: 2, standardError: "error: \(error.message)\n\(error.showsUsage ? usage : "")")
        }

        let fires = schedule.nextFires(after: options.after, count: options.count, in: timeZone,
                                       start: options.start, end: options.end)
        let instants = fires.map(formatInstant)
        var output = Output(status: 0)
        if options.json {
            output.standardOutput = jsonArray(instants) + "\n"
        } else {
            output.standardOutput = instants.map { $0 + "\n" }.joined()
        }
        if fires.count < options.count {
            let after = formatInstant(fires.last ?? options.after)
            output.standardError = "note: the schedule has no further fire time after \(after)\n"
        }
        return output
    }

    /// Formats an instant as `2026-12-04T19:10:00Z`, with microseconds when it has a fraction.
    static func formatInstant(_ date: Date) -> String {
        // Timestamp.format always ends in "+00:00".
        String(Timestamp.format(date).dropLast(6)) + "Z"
    }

    private static func jsonArray(_ strings: [String]) -> String {
        guard let data = try? JSONEncoder().encode(strings) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension NextRunsCommand {
    /// The parsed command line, before the schedule and time zone are validated.
    struct Options {
        var scheduleText: String?
        var timeZoneName: String?
        var after: Date
        var count = 5
        var start: Date?
        var end: Date?
        var json = false
        var showsHelp = false

        private static let namesTakingValues: Set = ["--timezone", "--after", "--start", "--end", "--count"]

        init(arguments: [String], now: Date) throws(UsageError) {
            after = now
            var index = 0
            while index < arguments.count {
                let argument = arguments[index]
                index += 1
                if argument == "-h" || argument == "--help" {
                    showsHelp = true
                    return
                }
                if argument == "--" {
                    for positional in arguments[index...] { try setSchedule(positional) }
                    break
                }
                if argument == "--json" {
                    json = true
                    continue
                }
                guard argument.hasPrefix("-"), argument.count > 1 else {
                    try setSchedule(argument)
                    continue
                }

                // `--name value` or `--name=value`.
                var (name, value) = Self.split(argument)
                guard Self.namesTakingValues.contains(name) else {
                    throw UsageError(message: "unknown option '\(argument)'", showsUsage: true)
                }
                if value == nil {
                    guard index < arguments.count else {
                        throw UsageError(message: "missing value for \(name)", showsUsage: true)
                    }
                    value = arguments[index]
                    index += 1
                }
                try apply(name, value: value ?? "")
            }
            guard scheduleText != nil else {
                throw UsageError(message: "missing SCHEDULE; give the schedule to check, e.g. next-runs '0 */15'", showsUsage: true)
            }
        }

        /// Parses the schedule and the time zone, whose errors are the parser's messages.
        func scheduleAndTimeZone() throws(UsageError) -> (Schedule, ScheduleTimeZone) {
            do {
                let schedule = try Schedule.parse(scheduleText ?? "")
                let timeZone = try timeZoneName.map { name throws(ScheduleError) in try ScheduleTimeZone(identifier: name) }
                return (schedule, timeZone ?? .utc)
            } catch {
                throw UsageError(message: error.message)
            }
        }

        private mutating func apply(_ name: String, value: String) throws(UsageError) {
            switch name {
            case "--timezone": timeZoneName = value
            case "--after": after = try Self.instant(value, option: name)
            case "--start": start = try Self.instant(value, option: name)
            case "--end": end = try Self.instant(value, option: name)
            default: count = try Self.count(value)
            }
        }

        private mutating func setSchedule(_ text: String) throws(UsageError) {
            if let existing = scheduleText {
                throw UsageError(message: "unexpected argument '\(text)' after the schedule '\(existing)'; quote the schedule so that it is one argument, e.g. next-runs '0 30 9 mon-fri'")
            }
            scheduleText = text
        }

        private static func split(_ argument: String) -> (name: String, value: String?) {
            guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }

        private static func instant(_ text: String, option: String) throws(UsageError) -> Date {
            guard let date = Timestamp.parse(text) else {
                throw UsageError(message: "\(option) '\(text)' is not an ISO-8601 instant; write e.g. 2026-12-04T19:10:00Z")
            }
            return date
        }

        private static func count(_ text: String) throws(UsageError) -> Int {
            guard let count = Int(text), (1...NextRunsCommand.maxCount).contains(count) else {
                throw UsageError(message: "--count '\(text)' must be a whole number from 1 to \(NextRunsCommand.maxCount)")
            }
            return count
        }
    }
}
