import Foundation
import Logging
import Synchronization

/// A cache of temporary credentials that fetches new ones before the old ones expire.
///
/// Callers get the cached credentials without waiting while more than `prefetchWindow`
/// remains. Inside that window the first caller starts one fetch in the background and
/// every caller keeps the old credentials until it lands. Inside `staleWindow`, or with
/// nothing cached, callers wait for one fetch that they share. When a fetch fails while the
/// old credentials still have time left, those are used and the failure is logged.
///
/// # Thread safety
/// `state` holds the cache under a lock; `fetchLock` lets one waiting fetch run at a time.
final class RefreshingCredentials: Sendable {
    let name: String
    /// Fetch in the background when less than this remains: 5 minutes, as the AWS SDK for Java.
    let prefetchWindow: TimeInterval
    /// Make callers wait for a fetch when less than this remains: 1 minute.
    let staleWindow: TimeInterval
    /// After a failed background fetch, the next one starts no sooner than this.
    let backgroundRetryInterval: TimeInterval = 10

    private let fetch: @Sendable () throws(AWSError) -> AWSCredentials
    private let now: @Sendable () -> Date
    private let logger = Logger(component: "aws")

    private struct State {
        var cached: AWSCredentials?
        var isFetchingInBackground = false
        var nextBackgroundFetch = Date.distantPast
    }

    private enum Decision {
        case use(AWSCredentials)
        case useAndFetchInBackground(AWSCredentials)
        case wait
    }

    private let state = Mutex(State())
    private let fetchLock = Mutex(())

    init(name: String, prefetchWindow: TimeInterval = 300, staleWindow: TimeInterval = 60,
         now: @escaping @Sendable () -> Date = { Date() },
         fetch: @escaping @Sendable () throws(AWSError) -> AWSCredentials) {
        self.name = name
        self.prefetchWindow = prefetchWindow
        self.staleWindow = staleWindow
        self.now = now
        self.fetch = fetch
    }

    func credentials() throws(AWSError) -> AWSCredentials {
        let current = now()
        let decision = state.withLock { state -> Decision in
            guard let cached = state.cached else { return .wait }
            guard let expiration = cached.expiration else { return .use(cached) }
            let remaining = expiration.timeIntervalSince(current)
            if remaining <= staleWindow { return .wait }
            if remaining <= prefetchWindow, !state.isFetchingInBackground, current >= state.nextBackgroundFetch {
                state.isFetchingInBackground = true
                return .useAndFetchInBackground(cached)
            }
            return .use(cached)
        }
        switch decision {
        case .use(let credentials):
            return credentials
        case .useAndFetchInBackground(let credentials):
            DispatchQueue.global(qos: .utility).async { self.fetchInBackground() }
            return credentials
        case .wait:
            return try fetchAndWait()
        }
    }

    /// Fetches while callers wait; callers that arrive during the fetch take its result.
    private func fetchAndWait() throws(AWSError) -> AWSCredentials {
        try fetchLock.withLock { _ throws(AWSError) -> AWSCredentials in
            let current = now()
            let cached = state.withLock { $0.cached }
            if let cached, let expiration = cached.expiration, expiration.timeIntervalSince(current) > staleWindow {
                return cached
            }
            do throws(AWSError) {
                let fresh = try fetch()
                state.withLock { $0.cached = fresh }
                return fresh
            } catch {
                guard let cached, let expiration = cached.expiration, expiration > current else { throw error }
                logger.warning("Refreshing AWS credentials failed; using the current ones until they expire", [
                    "aws.credentials": name, "expiration": ISO8601DateFormatter().string(from: expiration),
                    "error": error.description,
                ])
                return cached
            }
        }
    }

    private func fetchInBackground() {
        let result = Result { () throws(AWSError) -> AWSCredentials in try fetch() }
        state.withLock { state in
            state.isFetchingInBackground = false
            switch result {
            case .success(let fresh):
                state.cached = fresh
            case .failure:
                state.nextBackgroundFetch = now().addingTimeInterval(backgroundRetryInterval)
            }
        }
        if case .failure(let error) = result {
            logger.warning("Refreshing AWS credentials in the background failed", [
                "aws.credentials": name, "error": error.description,
            ])
        }
    }
}
