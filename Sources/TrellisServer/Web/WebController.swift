import Foundation
import Hummingbird
import HummingbirdCore
import TrellisCore
import TrellisStore

/// The case workers' web pages: sign-in, the needs profile and its matches, sending a referral under
/// consent, the tracker, the supervisor's dashboard and the administrator's page. Pages are drawn on
/// the server with no scripts; every form carries the session's CSRF token.
struct WebController: Sendable {
    let store: any TrellisStore
    let matching: MatchingService?
    let uploads: DirectoryUploads?
    let settings: WebSettings
    let pages: WebPages
    /// The API's token cache: emptied of a user disabled here, so the next request is refused.
    var tokens = TokenCache()
    let limiter: SignInLimiter
    let failures: FailedAuthentications
    /// What the pulled feeds last did (the administrator's page shows it).
    var feeds = FeedStatusBoard(feeds: [])
    var access: AccessControl { AccessControl(store: store, auditLog: store.audit) }

    func addRoutes(to router: Router<TrellisRequestContext>) {
        router.get("/sign-in") { request, context in signInPage(context: context, message: WebSession.signedOutMessage(request, settings: settings)) }
        router.post("/sign-in") { request, context in try await signIn(request, context) }
        let pages = router.group().add(middleware: SessionAuthentication(store: store, failures: failures, settings: settings))
            .add(middleware: ErrorPageMiddleware(pages: self.pages))
        pages.post("/sign-out") { request, context in try await signOut(request, context) }
        pages.get("/") { _, context in try await profilePage(context) }
        pages.post("/matches") { request, context in try await matches(request, context) }
        pages.post("/referrals/new") { request, context in try await referralForm(request, context) }
        pages.get("/referrals") { request, context in try await tracker(request, context) }
        pages.get("/referrals/:id") { _, context in try await referralPage(try context.parameters.require("id"), context) }
        addSupportNetworkRoutes(to: pages)
        pages.post("/referrals/:id/cancel") { request, context in try await cancel(try context.parameters.require("id"), request, context) }
        pages.post("/referrals/:id/follow-up") { request, context in try await recordFollowUp(try context.parameters.require("id"), request, context) }
        pages.post("/referrals/:id/consent/revoke") { request, context in try await revokeConsentFromPage(try context.parameters.require("id"), request, context) }
        pages.post("/referrals/:id/messages") { request, context in
            try await postMessageFromPage(try context.parameters.require("id"), request, context, back: "referral")
        }
        pages.post("/inbox/:id/messages") { request, context in
            try await postMessageFromPage(try context.parameters.require("id"), request, context, back: "inbox")
        }
        pages.get("/inbox") { request, context in try await inbox(request, context) }
        pages.get("/inbox/:id") { _, context in try await inboxReferral(try context.parameters.require("id"), context) }
        pages.post("/inbox/capacity/:id") { request, context in try await reportCapacityFromInbox(try context.parameters.require("id"), request, context) }
        pages.post("/inbox/:id/answer") { request, context in try await answerFromInbox(try context.parameters.require("id"), request, context) }
        pages.get("/dashboard") { _, context in try await dashboard(context) }
        pages.get("/dashboard/equity.csv") { _, context in try await equityCSV(context) }
        pages.get("/admin") { _, context in try await adminPage(context, extra: [:]) }
        pages.post("/admin/directories") { request, context in try await adminUpload(request, context) }
        pages.post("/admin/audit/verify") { request, context in try await adminVerify(request, context) }
        pages.post("/admin/users") { request, context in try await adminAddUser(request, context) }
        pages.post("/admin/users/:id/:action") { request, context in
            try await adminUserAction(try context.parameters.require("id"), try context.parameters.require("action"), request, context)
        }
        pages.post("/admin/tokens/:id/revoke") { request, context in try await adminRevokeToken(try context.parameters.require("id"), request, context) }
    }

    /// After a form: go to `location` with GET (303), so a reload does not send the form again.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// The form body, refused unless it carries this session's CSRF token.
    func form(_ request: Request, _ context: TrellisRequestContext) async throws -> FormData {
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: 256 * 1_024) } catch {
            throw APIError(.contentTooLarge, code: "too_large", "the form is larger than 256 KB")
        }
        let form = FormData(String(buffer: body))
        try verifyCSRF(form["csrf"], context)
        return form
    }

    func verifyCSRF(_ given: String?, _ context: TrellisRequestContext) throws {
        guard let secret = context.sessionSecret, let given, WebSession.sameSecret(given, WebSession.csrfToken(forSession: secret)) else {
            throw APIError.forbidden("the form has expired or did not come from this site: open the page again and resubmit")
        }
    }
}
