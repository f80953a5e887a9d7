import Foundation
import HTTPServer
import JobModel
import JobStore

extension WebAPI {
    /// Jobs per page when the request names no `count`.
    static let defaultPageSize = 10

    func listJobs(_ request: HTTPRequest) -> HTTPResponse {
        var errors: [String: [String]] = [:]
        let skip = pageArgument("skip", in: request, default: 0, errors: &errors)
        let count = pageArgument("count", in: request, default: Self.defaultPageSize, errors: &errors)
        guard errors.isEmpty else {
            let message = errors.keys.sorted().flatMap { errors[$0] ?? [] }.joined(separator: "; ")
            return APIResponse.error(400, "Invalid pagination: \(message).", errors: errors)
        }

        let page = registry.page(skip: skip, count: count)
        var body: [String: JSONValue] = ["jobs": .array(page.jobs.map { .object($0.jsonObject(includeID: true)) })]
        if skip > 0, count > 0, skip - count < page.total {
            body["prev"] = .string("/jobs?skip=\(max(skip - count, 0))&count=\(count)")
        }
        if count > 0, skip + count < page.total {
            body["next"] = .string("/jobs?skip=\(skip + count)&count=\(count)")
        }
        return APIResponse.json(200, .object(body))
    }

    /// Reads a `skip` or `count` argument: an integer, with negative values counting as 0
    /// and values above `Int32.max` as `Int32.max`, so that `skip + count` cannot overflow.
    private func pageArgument(_ name: String, in request: HTTPRequest, default value: Int,
                              errors: inout [String: [String]]) -> Int {
        guard let text = request.queryValue(name)?.trimmingCharacters(in: .whitespaces) else { return value }
        if let number = Int(text) {
            return min(max(number, 0), Int(Int32.max))
        }
        // An integer too long for Int is beyond one bound, and its sign shows which.
        let digits = text.drop { $0 == "-" || $0 == "+" }
        guard text.count - digits.count <= 1, !digits.isEmpty, digits.allSatisfy(\.isASCII),
              digits.allSatisfy(\.isNumber) else {
            errors[name] = ["\(name) must be an integer"]
            return value
        }
        return text.hasPrefix("-") ? 0 : Int(Int32.max)
    }

    func getJob(id: String) -> HTTPResponse {
        guard let job = registry.job(id: id) else {
            return APIResponse.error(404, "Job \(id) does not exist.")
        }
        let cached = jobBodies.body(for: job)
        return APIResponse.json(200, body: cached.body, etag: cached.etag)
    }

    func createJob(_ request: HTTPRequest) -> HTTPResponse {
        let body: [String: JSONValue]
        switch RequestBody.jsonObject(of: request) {
        case .success(let object): body = object
        case .failure(let error): return APIResponse.error(error.status, error.message)
        }
        let job: Job
        do {
            job = try validator.validateNew(body)
        } catch {
            return APIResponse.error(400, error.message, errors: error.errors)
        }
        do {
            try registry.create(job)
        } catch {
            return storeFailure(error, jobID: job.id, action: "create")
        }
        logger.info("job created", ["job.id": job.id])
        return APIResponse.json(201, committedBody(id: job.id), extraHeaders: [("Location", job.href)])
    }

    func updateJob(id: String, request: HTTPRequest) -> HTTPResponse {
        let body: [String: JSONValue]
        switch RequestBody.jsonObject(of: request) {
        case .success(let object): body = object
        case .failure(let error):
            // A missing job is reported before a bad body, as for any other method.
            if registry.job(id: id) == nil { return APIResponse.error(404, "Job \(id) does not exist.") }
            return APIResponse.error(error.status, error.message)
        }
        // Validation runs inside the registry's write, against the latest version of the job,
        // so a run recorded by the scheduler meanwhile is kept.
        var invalid: JobValidationError?
        do throws(StoreError) {
            try registry.update(id: id) { (job: inout Job) throws(StoreError) in
                do throws(JobValidationError) {
                    job = try validator.validateUpdate(body, of: job)
                } catch {
                    invalid = error
                    throw StoreError(.failed, "invalid update")
                }
            }
        } catch {
            if let invalid {
                return APIResponse.error(400, invalid.message, errors: invalid.errors)
            }
            return storeFailure(error, jobID: id, action: "update")
        }
        logger.info("job updated", ["job.id": id])
        return APIResponse.json(200, committedBody(id: id))
    }

    func deleteJob(id: String) -> HTTPResponse {
        do {
            try registry.delete(id: id)
        } catch {
            return storeFailure(error, jobID: id, action: "delete")
        }
        logger.info("job deleted", ["job.id": id])
        return APIResponse.json(200, ["id": .string(id)])
    }

    /// Builds `{"id": ..., "link": ...}`, the response body of a create or an update.
    private func committedBody(id: String) -> JSONValue {
        ["id": .string(id), "link": Job(id: id, taskDefinition: "", schedule: "").link]
    }

    private func storeFailure(_ error: StoreError, jobID: String, action: String) -> HTTPResponse {
        switch error.code {
        case .conflict:
            return APIResponse.error(409, error.message)
        case .notFound:
            return APIResponse.error(404, error.message)
        default:
            logger.error("job store write failed", ["job.id": jobID, "action": action, "error": error.message])
            return APIResponse.error(500, "The job store failed to \(action) job \(jobID): \(error.message). Nothing was changed; try again.")
        }
    }
}
