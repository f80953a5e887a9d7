import Foundation

/// Runs `body` with no signals blocked on the calling thread, then restores the mask.
///
/// Test threads (Dispatch workers) block SIGTERM and other signals, and a child process
/// that Foundation's `Process` starts inherits that mask, so `terminate()` would never stop
/// it. Starting servers inside this function gives them the default mask.
public func withDefaultSignalMask<T>(_ body: () throws -> T) rethrows -> T {
    var empty = sigset_t()
    var previous = sigset_t()
    sigemptyset(&empty)
    pthread_sigmask(SIG_SETMASK, &empty, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    return try body()
}
