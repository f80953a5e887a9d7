import Foundation
import HTTPServer
import JobModel
import JobStore
import Logging

/// The REST API over a `JobRegistry`: routes each request to its resource and responds with
/// JSON.
///
/// The API reads and writes jobs only through the registry, so it works the same over every store. The
/// response to a change is sent only after the store has accepted it. A store failure gets
/// 500 and changes nothing.
///
/// # Thread safety
/// `handle(_:)` may be called from several threads at once.
public final class WebAPI: Sendable {
    /// Largest request body the API accepts: 1 MiB.
    public static let maxBodySize = 1_048_576

    /// The response the HTTP server sends for a body over `maxBodySize`.
    public static let payloadTooLargeResponse = APIResponse.error(
        413, "The request body is larger than 1 MiB (1048576 bytes); send a smaller job document.")

    public let registry: JobRegistry
    let validator: JobValidator
    let logger = Logger(component: "webapi")
    let jobBodies: JobBodyCache
    let fixedBodies: FixedBodies

    /// - Parameters:
    ///   - triggers: checks the `trigger` of jobs; the plugin host provides the loaded types.
    ///   - now: the current time, for the start of `rate:` schedules.
    public init(registry: JobRegistry, triggers: any TriggerService = NoTriggers(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.registry = registry
        self.validator = JobValidator(triggers: triggers, now: now)
        self.jobBodies = JobBodyCache()
        self.fixedBodies = FixedBodies()
        registry.observe { [jobBodies] change in
            switch change {
            case .created: break
            case .updated(let job): jobBodies.remove(id: job.id)
            case .deleted(let id): jobBodies.remove(id: id)
            }
        }
    }

    /// HTTP server settings that match the API: the body limit and its 413 response.
    public static func serverConfiguration() -> HTTPServer.Configuration {
        var configuration = HTTPServer.Configuration()
        configuration.maxBodySize = maxBodySize
        configuration.payloadTooLargeResponse = payloadTooLargeResponse
        return configuration
    }

    /// Returns the response to one request.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let response = dispatch(request)
        if logger.isEnabled(.debug) {
            logger.debug("request handled", [
                "http.method": request.method, "http.path": request.path, "http.status": String(response.status),
            ])
        }
        return response
    }

    private func dispatch(_ request: HTTPRequest) -> HTTPResponse {
        guard let route = Route(path: request.path) else {
            return APIResponse.error(404, "No resource at \(request.path); GET / lists the endpoints.")
        }
        let method = request.method == "HEAD" ? "GET" : request.method
        guard route.allowedMethods.contains(request.method) else {
            let allowed = route.allowedMethods.joined(separator: ", ")
            return APIResponse.error(
                405, "Method \(request.method) is not allowed on \(route.template); use \(allowed).",
                extraHeaders: [("Allow", allowed)])
        }
        if method == "OPTIONS" {
            // Like the other methods of a job, OPTIONS returns 404 for a job that does not exist.
            if case .job(let id) = route, registry.job(id: id) == nil {
                return APIResponse.error(404, "Job \(id) does not exist.")
            }
            return options(route)
        }
        let response = respond(route: route, method: method, request: request)
        if method == "GET", response.status == 200, let etag = response.header("ETag"),
           let ifNoneMatch = request.header("If-None-Match"),
           APIResponse.matches(ifNoneMatch: ifNoneMatch, etag: etag) {
            return APIResponse.notModified(etag: etag)
        }
        return response
    }

    private func respond(route: Route, method: String, request: HTTPRequest) -> HTTPResponse {
        switch (route, method) {
        case (.root, _): return fixedBodies.root
        case (.spec, _): return fixedBodies.spec
        case (.jobs, "GET"): return listJobs(request)
        case (.jobs, _): return createJob(request)
        case (.job(let id), "GET"): return getJob(id: id)
        case (.job(let id), "PUT"): return updateJob(id: id, request: request)
        case (.job(let id), _): return deleteJob(id: id)
        }
    }

    /// Builds the response to a CORS preflight or an `OPTIONS` request.
    private func options(_ route: Route) -> HTTPResponse {
        let allowed = route.allowedMethods.joined(separator: ", ")
        return HTTPResponse(status: 204, headers: [
            ("Allow", allowed),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", allowed),
            ("Access-Control-Allow-Headers", "Content-Type, If-None-Match"),
            ("Access-Control-Max-Age", "86400"),
            ("ETag", APIResponse.entityTag(of: Data())),
        ])
    }
}

/// Responses whose bodies never change: the endpoint list and the OpenAPI document.
struct FixedBodies: Sendable {
    let root: HTTPResponse
    let spec: HTTPResponse

    init() {
        root = APIResponse.json(200, [
            "resources": [
                ["link": ["rel": "jobs", "title": "Jobs", "href": "/jobs"]],
                ["link": ["rel": "spec", "title": "Spec", "href": "/spec"]],
            ],
        ])
        spec = APIResponse.json(200, OpenAPIDocument.document)
    }
}
