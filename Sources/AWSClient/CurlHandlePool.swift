import CCurl
import Foundation
import Synchronization

/// libcurl easy handles kept between requests, so that each handle's open connections are
/// reused (keep-alive) by the next request that takes it.
///
/// # Thread safety
/// Any thread may call `perform`. A handle is used by one request at a time: `perform`
/// takes it out of the idle list under the lock and puts it back when the request ends.
final class CurlHandlePool: Sendable {
    /// The pool that `HTTPClient` and `AWSClient` share.
    static let shared = CurlHandlePool()

    /// Maximum number of idle handles kept. While more requests run at once, more handles
    /// are created, and those that come back to a full list are cleaned up.
    let maxIdleHandles: Int
    private let idle = Mutex<[CurlEasyHandle]>([])

    /// curl_global_init is not thread-safe, so it runs in a static initialiser, which Swift
    /// runs exactly once.
    private static let globalInit: Void = {
        let code = ccurl_global_init()
        precondition(code == CURLE_OK, "curl_global_init failed: \(String(cString: curl_easy_strerror(code)))")
    }()

    init(maxIdleHandles: Int = 32) {
        self.maxIdleHandles = maxIdleHandles
    }

    /// Sends a request on an idle handle (or a new one) and waits for the response.
    func perform(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
        _ = Self.globalInit
        let handle = checkOut()
        defer { checkIn(handle) }
        return try handle.perform(request)
    }

    private func checkOut() -> CurlEasyHandle {
        if let handle = idle.withLock({ $0.popLast() }) {
            return handle
        }
        return CurlEasyHandle()
    }

    private func checkIn(_ handle: CurlEasyHandle) {
        let kept = idle.withLock { handles -> Bool in
            guard handles.count < maxIdleHandles else { return false }
            handles.append(handle)
            return true
        }
        if !kept {
            handle.close()
        }
    }

    deinit {
        for handle in idle.withLock({ $0 }) {
            handle.close()
        }
    }
}
