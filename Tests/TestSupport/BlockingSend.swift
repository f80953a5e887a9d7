import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends a request with URLSession and waits for the status and body (test helper).
public func blockingSend(_ request: URLRequest, timeout: TimeInterval = 30) throws -> (Int, Data) {
    let (response, data) = try sendAndWait(request, timeout: timeout)
    return (response?.statusCode ?? 0, data)
}

/// Sends `request` with URLSession and waits for the complete response.
/// - Throws: the URLSession error, or `TestSupportError` when `timeout` seconds pass first.
func sendAndWait(_ request: URLRequest, timeout: TimeInterval) throws -> (HTTPURLResponse?, Data) {
    // Written by the data task's handler before it signals `done`, and read only after.
    final class Box: @unchecked Sendable { var result: Result<(HTTPURLResponse?, Data), Error>? }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    URLSession.shared.dataTask(with: request) { data, response, error in
        if let error {
            box.result = .failure(error)
        } else {
            box.result = .success((response as? HTTPURLResponse, data ?? Data()))
        }
        done.signal()
    }.resume()
    guard done.wait(timeout: .now() + timeout) == .success, let result = box.result else {
        throw TestSupportError("no answer from \(request.url?.absoluteString ?? "?") within \(timeout) s")
    }
    return try result.get()
}
