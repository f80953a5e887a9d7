/// The resources of the REST API, read from a request path.
enum Route: Equatable {
    case root
    case spec
    case jobs
    case job(id: String)

    /// The route of `path`, or nil when no resource lives there.
    init?(path: String) {
        switch path {
        case "/": self = .root
        case "/spec": self = .spec
        case "/jobs": self = .jobs
        default:
            let prefix = "/jobs/"
            guard path.hasPrefix(prefix) else { return nil }
            let id = path.dropFirst(prefix.count)
            guard !id.isEmpty, !id.contains("/") else { return nil }
            self = .job(id: String(id))
        }
    }

    /// The path template as the OpenAPI document writes it.
    var template: String {
        switch self {
        case .root: return "/"
        case .spec: return "/spec"
        case .jobs: return "/jobs"
        case .job: return "/jobs/{id}"
        }
    }

    /// The methods the resource supports, for `Allow` headers.
    var allowedMethods: [String] {
        switch self {
        case .root, .spec: return ["GET", "HEAD", "OPTIONS"]
        case .jobs: return ["GET", "HEAD", "POST", "OPTIONS"]
        case .job: return ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]
        }
    }
}
