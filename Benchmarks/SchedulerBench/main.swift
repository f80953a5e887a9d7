// The scheduler benchmark: lateness of fires over HTTP to a local fake ECS endpoint, CPU per
// fire, memory per job and idle CPU. scripts/bench/scheduler.sh runs every scenario in its
// own process, so one scenario's memory does not inflate another's.
//
// Usage: SchedulerBench lateness JOBS | cpu JOBS | memory JOBS | idle JOBS
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 2, let jobs = Int(arguments.last!), jobs > 0 else {
    FileHandle.standardError.write(Data("usage: SchedulerBench lateness|cpu|memory|idle JOBS\n".utf8))
    exit(2)
}

do {
    switch arguments.first! {
    case "lateness":
        switch jobs {
        case ...100: try measureLateness(jobs: jobs, p99Target: 0.050, maxTarget: nil)
        case ...1_000: try measureLateness(jobs: jobs, p99Target: 0.500, maxTarget: nil)
        default: try measureLateness(jobs: jobs, p99Target: nil, maxTarget: 10)
        }
    case "cpu":
        try measureCPUPerFire(jobs: jobs, target: 0.000_100)
    case "memory":
        try measureMemory(jobs: jobs, targetMiB: jobs <= 100_000 ? 300 : 2_048)
    case "idle":
        try measureIdle(jobs: jobs, seconds: 10, targetPercent: 1)
    default:
        FileHandle.standardError.write(Data("unknown scenario \(arguments.first!); use lateness, cpu, memory or idle\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
