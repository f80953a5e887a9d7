import Foundation

/// Returns the process-wide CPU time (user and system, all threads) in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

/// Returns the resident set size of this process in MiB, from /proc/self/status.
func residentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? -1
        return kilobytes / 1024
    }
    return -1
}

/// Returns the value below which `fraction` of `sorted` lies (nearest rank).
func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// Returns a TCP port on 127.0.0.1 that nothing listens on (another process may take it first).
func freeLoopbackPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return UInt16(bigEndian: address.sin_port)
}

/// Returns the schedule text that fires once, at the UTC second `date`.
func scheduleFiringOnce(at date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return "\(parts.tm_sec) \(parts.tm_min) \(parts.tm_hour) * * \(parts.tm_mday) \(parts.tm_mon + 1) \(parts.tm_year + 1900)"
}

/// Prints a figure and its target as one line: `name: value (target ...) ok`.
func report(_ name: String, _ value: String, target: String, met: Bool) {
    print("\(name): \(value)  (target \(target)) \(met ? "ok" : "MISSED")")
}

func milliseconds(_ seconds: Double) -> String {
    String(format: "%.1f ms", seconds * 1000)
}
