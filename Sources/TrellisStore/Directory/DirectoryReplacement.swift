/// How an import treats the services of its source that its files no longer hold.
public struct DirectoryReplacement: Hashable, Sendable {
    /// The share withdrawn above which an import is refused unless mass withdrawal is allowed: a
    /// truncated export must not empty the county.
    public static let defaultMaxWithdrawalShare = 0.2

    /// Withdraw the source's services the files no longer hold; otherwise only add and update.
    public var replaceSource: Bool
    public var maxWithdrawalShare: Double
    public var allowMassWithdrawal: Bool
    /// Services the files still hold but whose records were rejected (a broken record in a good
    /// export): not withdrawn, as they did not leave the source.
    public var keeping: Set<String>

    public init(replaceSource: Bool, maxWithdrawalShare: Double = Self.defaultMaxWithdrawalShare, allowMassWithdrawal: Bool = false,
                keeping: Set<String> = []) {
        self.replaceSource = replaceSource
        self.maxWithdrawalShare = maxWithdrawalShare
        self.allowMassWithdrawal = allowMassWithdrawal
        self.keeping = keeping
    }

    /// Adds and updates; withdraws nothing.
    public static let addAndUpdate = DirectoryReplacement(replaceSource: false)

    /// Whether withdrawing `withdrawing` of the source's `active` services is allowed.
    func permits(withdrawing: Int, of active: Int) -> Bool {
        guard withdrawing > 0, !allowMassWithdrawal else { return true }
        return active > 0 && Double(withdrawing) <= maxWithdrawalShare * Double(active)
    }
}
