extension NeedsProfile {
    /// Whether the pages suggest adding a peer specialist to the person's support network: a need in
    /// crisis, or a second rejection of the person's referrals, while the network has no peer mentor yet.
    /// - Parameter rejections: how many of this person's referrals agencies have rejected.
    public func suggestsPeerSpecialist(rejections: Int) -> Bool {
        let hasPeerMentor = (supporters ?? []).contains { $0.relation == .peerMentor }
        let inCrisis = needs.contains { $0.urgency == .crisis }
        return !hasPeerMentor && (inCrisis || rejections >= 2)
    }
}

extension NeedsProfile {
    /// The profile as matching sees it: without the support network, which ranks nothing and stays with the case worker.
    public var forMatching: NeedsProfile {
        var copy = self
        copy.supporters = nil
        return copy
    }
}
