import Testing
@testable import TrellisCore

@Suite struct ReferralLifecycleTests {
    /// The legal moves, as the lifecycle specifies them (besides "anything → entered-in-error").
    static let legal: [ReferralStatus: Set<ReferralStatus>] = [
        .draft: [.requested],
        .requested: [.accepted, .rejected, .cancelled],
        .accepted: [.inProgress, .onHold, .cancelled, .failed],
        .inProgress: [.onHold, .completed, .failed, .cancelled],
        .onHold: [.inProgress, .cancelled, .failed],
    ]

    static let referrerSets: Set<ReferralStatus> = [.draft, .requested, .cancelled, .enteredInError]

    /// Every pair of statuses, by each party, with and without a reason: 200 cases.
    @Test(arguments: ReferralStatus.allCases, ReferralStatus.allCases)
    func everyMoveIsDecidedByTheRules(from: ReferralStatus, to: ReferralStatus) {
        let isLegal = (Self.legal[from] ?? []).contains(to) || (to == .enteredInError && from != .enteredInError)
        let owner: ReferralParty = Self.referrerSets.contains(to) ? .referrer : .agency
        for party in ReferralParty.allCases {
            for reason in [nil, "Bed no longer available"] as [String?] {
                let outcome = Result { () throws(ReferralTransitionError) in
                    try ReferralLifecycle.check(from: from, to: to, by: party, reason: reason)
                }
                switch outcome {
                case .success:
                    #expect(isLegal && party == owner && (reason != nil || !ReferralLifecycle.needsReason(to)))
                case .failure(.illegalMove):
                    #expect(!isLegal)
                case .failure(.notThisPartysMove):
                    #expect(isLegal && party != owner)
                case .failure(.reasonRequired):
                    #expect(isLegal && party == owner && reason == nil && ReferralLifecycle.needsReason(to))
                }
            }
        }
    }

    @Test(arguments: [ReferralStatus.rejected, .cancelled, .onHold, .failed])
    func theseNeedAReason(status: ReferralStatus) {
        #expect(ReferralLifecycle.needsReason(status))
    }

    @Test func aBlankReasonIsNoReason() {
        #expect(throws: ReferralTransitionError.reasonRequired(.rejected)) {
            try ReferralLifecycle.check(from: .requested, to: .rejected, by: .agency, reason: "   ")
        }
    }

    @Test func errorsSayWhatIsAllowed() {
        #expect(ReferralTransitionError.illegalMove(from: .completed, to: .accepted).description
                == "a referral that is completed cannot become accepted (it can become: entered-in-error)")
        #expect(ReferralTransitionError.notThisPartysMove(party: .referrer, to: .accepted).description
                == "only the receiving agency may set accepted, not the referrer")
        #expect(ReferralTransitionError.reasonRequired(.onHold).description == "a reason is required to set on-hold")
    }

    @Test func finalStatusesCloseTheLoop() {
        for status in ReferralStatus.allCases where status.isFinal {
            #expect(ReferralLifecycle.moves(from: status).subtracting([.enteredInError]).isEmpty)
        }
        #expect(ReferralLifecycle.moves(from: .enteredInError).isEmpty)
    }

    @Test func answersAreWhatTheAgencySets() {
        for status in ReferralStatus.allCases {
            #expect(status.isAnswer == (ReferralLifecycle.party(setting: status) == .agency))
        }
    }

    @Test func statusesUseFHIRTaskCodes() {
        #expect(ReferralStatus.allCases.map(\.rawValue) == ["draft", "requested", "accepted", "rejected", "cancelled",
                                                            "in-progress", "on-hold", "failed", "completed", "entered-in-error"])
    }
}
