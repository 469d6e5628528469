/// Requests in flight per partner, each partner held to `limit`. Referrals with no partner are not
/// counted: they are settled without a request.
struct PartnerSlots {
    let limit: Int
    private var taken: [String: Int] = [:]

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot for the partner; false when all of its slots are taken.
    mutating func take(_ partnerID: String?) -> Bool {
        guard let partnerID else { return true }
        let count = taken[partnerID, default: 0]
        guard count < limit else { return false }
        taken[partnerID] = count + 1
        return true
    }

    mutating func give(_ partnerID: String?) {
        guard let partnerID, let count = taken[partnerID] else { return }
        taken[partnerID] = count > 1 ? count - 1 : nil
    }

    func hasRoom(_ partnerID: String?) -> Bool {
        guard let partnerID else { return true }
        return !isFull(partnerID)
    }

    func isFull(_ partnerID: String) -> Bool {
        taken[partnerID, default: 0] >= limit
    }
}
