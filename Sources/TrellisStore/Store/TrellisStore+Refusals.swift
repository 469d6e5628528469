import TrellisCore

extension TrellisStore {
    /// Runs a change; when the store refuses it (an illegal move, a conflict, a consent that does not
    /// cover it), its transaction has rolled back, so the refusal is audited on its own before the
    /// error reaches the caller.
    func auditingRefusals<T>(_ action: AuditEvent.Action, _ entity: String, _ id: String, context: AuditContext,
                             _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            let outcome: AuditEvent.Outcome = switch error {
            case .referralNotFound, .serviceNotFound, .userNotFound, .undecryptable: .failure
            default: .denied
            }
            // Ids and status names only: StoreError never carries a person's data.
            _ = try? await audit.append(context.entry(action, entity, id, outcome: outcome, detail: String(error.description.prefix(300))))
            throw error
        }
    }
}
