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

    /// What a run prints and returns.
    struct Output: Equatable {
        var status: Int32
        var standardOutput = ""
        var standardError = ""
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
        do {
            options = try Options(arguments: arguments, now: now)
        } catch let error as UsageError {
            return Output(status: 2, standardError: "error: \(error.message)\n\(error.showsUsage ? usage : "")")
        } catch {
            return Output(status: 2, standardError: "error: \(error)\n")
        }
        if options.showsHelp {
            return Output(status: 0, standardOutput: usage)
        }

        let fires = options.schedule.nextFires(after: options.after, count: options.count, in: options.timeZone,
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

/// A bad command line; exits with status 2.
struct UsageError: Error {
    var message: String
    var showsUsage = false
}

extension NextRunsCommand {
    /// The parsed command line.
    struct Options {
        var schedule: Schedule
        var timeZone = ScheduleTimeZone.utc
        var after: Date
        var count = 5
        var start: Date?
        var end: Date?
        var json = false
        var showsHelp = false

        init(arguments: [String], now: Date) throws {
            var scheduleText: String?
            var timeZoneName: String?
            after = now
            schedule = try Schedule.parse("0")

            var index = 0
            while index < arguments.count {
                let argument = arguments[index]
                index += 1
                if argument == "-h" || argument == "--help" {
                    showsHelp = true
                    return
                }
                if argument == "--" {
                    for positional in arguments[index...] { try Self.setSchedule(positional, into: &scheduleText) }
                    break
                }
                guard argument.hasPrefix("-"), argument.count > 1 else {
                    try Self.setSchedule(argument, into: &scheduleText)
                    continue
                }

                var (name, value) = Self.split(argument)
                guard Self.optionNames.contains(name) else {
                    throw UsageError(message: "unknown option '\(argument)'", showsUsage: true)
                }
                if name != "--json", value == nil {
                    guard index < arguments.count else {
                        throw UsageError(message: "\(name) needs a value", showsUsage: true)
                    }
                    value = arguments[index]
                    index += 1
                }
                try apply(name, value: value ?? "", argument: argument, timeZoneName: &timeZoneName)
            }

            guard let scheduleText else {
                throw UsageError(message: "missing SCHEDULE", showsUsage: true)
            }
            do {
                schedule = try Schedule.parse(scheduleText)
                if let timeZoneName {
                    timeZone = try ScheduleTimeZone(identifier: timeZoneName)
                }
            } catch {
                throw UsageError(message: error.message)
            }
        }

        private static let optionNames: Set = ["--json", "--timezone", "--after", "--start", "--end", "--count"]

        private mutating func apply(_ name: String, value: String, argument: String,
                                    timeZoneName: inout String?) throws {
            switch name {
            case "--json": json = true
            case "--timezone": timeZoneName = value
            case "--after": after = try Self.instant(value, option: name)
            case "--start": start = try Self.instant(value, option: name)
            case "--end": end = try Self.instant(value, option: name)
            case "--count": count = try Self.count(value)
            default: throw UsageError(message: "unknown option '\(argument)'", showsUsage: true)
            }
        }

        private static func setSchedule(_ text: String, into scheduleText: inout String?) throws {
            guard let existing = scheduleText else {
                scheduleText = text
                return
            }
            throw UsageError(message: "unexpected argument '\(text)' after the schedule '\(existing)'; quote the schedule so that it is one argument, e.g. next-runs '0 30 9 mon-fri'")
        }

        /// Splits `--name=value` into its name and value.
        private static func split(_ argument: String) -> (name: String, value: String?) {
            guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }

        private static func instant(_ text: String, option: String) throws -> Date {
            guard let date = Timestamp.parse(text) else {
                throw UsageError(message: "\(option) '\(text)' is not an ISO-8601 instant; write e.g. 2026-12-04T19:10:00Z")
            }
            return date
        }

        private static func count(_ text: String) throws -> Int {
            guard let count = Int(text), (1...NextRunsCommand.maxCount).contains(count) else {
                throw UsageError(message: "--count '\(text)' must be a whole number from 1 to \(NextRunsCommand.maxCount)")
            }
            return count
        }
    }
}
