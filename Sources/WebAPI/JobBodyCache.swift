import Foundation
import JobModel
import Synchronization

/// Serialised `GET /jobs/{id}` bodies and their entity tags, so that reading an unchanged
/// job does not serialise it again.
///
/// An entry is used only while it was built from a job equal to the current one, so a stale
/// entry is never served even if a removal arrives late. Removals only bound the memory.
final class JobBodyCache: Sendable {
    struct Entry: Sendable {
        let job: Job
        let body: Data
        let etag: String
    }

    private let entries = Mutex<[String: Entry]>([:])

    func body(for job: Job) -> Entry {
        if let entry = entries.withLock({ $0[job.id] }), entry.job == job {
            return entry
        }
        let body = JSONValue.object(job.jsonObject(includeID: true)).serialized()
        let entry = Entry(job: job, body: body, etag: APIResponse.entityTag(of: body))
        entries.withLock { $0[job.id] = entry }
        return entry
    }

    func remove(id: String) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}
