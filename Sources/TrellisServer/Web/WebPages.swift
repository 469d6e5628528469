import Foundation
import Hummingbird
import Mustache
import TrellisStore

/// The page templates (`web/templates/*.mustache`), rendered inside `layout` with what every page
/// shows: who is signed in, which sections their role opens, and the CSRF token for its forms.
struct WebPages: Sendable {
    let library: MustacheLibrary
    /// The directory the header names the user's organizations from (their ids when it does not know them).
    var matching: MatchingService? = nil

    /// These pages, naming organizations from `matching`'s directory.
    func naming(with matching: MatchingService?) -> WebPages {
        var pages = self
        pages.matching = matching
        return pages
    }

    static func load(from directory: String) async throws -> WebPages {
        WebPages(library: try await MustacheLibrary(directory: directory))
    }

    func render(_ template: String, _ values: [String: Any], title: String, context: TrellisRequestContext,
                status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var page = values
        page["title"] = title
        if let user = context.user {
            let organizations = user.organizations.map { matching?.catalog.organizationName(of: $0) ?? $0 }
            page["user"] = ["name": user.name, "role": user.role.rawValue, "organization": organizations.joined(separator: ", "),
                            "organization_ids": user.organizations.joined(separator: ", ")]
            page["can_refer"] = AccessControl.referrers.contains(user.role)
            page["can_report"] = AccessControl.reporters.contains(user.role)
            page["is_admin"] = user.role == .admin
            page["has_inbox"] = user.role == .agency
        }
        if let secret = context.sessionSecret { page["csrf"] = WebSession.csrfToken(forSession: secret) }
        let html = library.render(page, withTemplate: template) ?? "<!doctype html><title>Trellis</title><p>The page \(template) is missing.</p>"
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        // Pages use only their own stylesheet: no scripts, nothing from elsewhere, never framed.
        fields[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        fields[.init("X-Content-Type-Options")!] = "nosniff"
        fields[.init("Referrer-Policy")!] = "no-referrer"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// An error as a page, with the status the API would give.
    func error(_ error: APIError, context: TrellisRequestContext) -> Response {
        render("error", ["message": error.message, "status": Int(error.status.code)], title: error.status.reasonPhrase, context: context,
               status: error.status)
    }
}
