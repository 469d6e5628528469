import Foundation
public import Hummingbird
import TrellisStore

/// The signed-in person's own account.
public struct AccountController: Sendable {
    public init() {}

    /// Routes for a group behind `BearerAuthentication`.
    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.get("/me") { _, context in
            guard let user = context.user else { throw HTTPError(.unauthorized) }
            var account: [String: Any] = ["id": user.id, "name": user.name, "role": user.role.rawValue, "organization_id": user.organizationID]
            // An agency user may answer for several directory organizations.
            if user.role == .agency { account["organizations"] = user.organizations }
            return JSONResponse.make(.ok, account)
        }
    }
}
