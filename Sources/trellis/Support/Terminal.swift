import Foundation

/// Writes to the terminal: progress only when standard error is a terminal, so piped output stays clean.
enum Terminal {
    static let isInteractive = isatty(STDERR_FILENO) == 1

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// A one-line progress counter, redrawn at most ten times a second.
struct Progress {
    private let label: String
    private var last = ContinuousClock.now
    private var shown = false

    init(_ label: String) { self.label = label }

    mutating func update(_ count: Int) {
        guard Terminal.isInteractive, count % 256 == 0 else { return }
        let now = ContinuousClock.now
        guard now - last > .milliseconds(100) else { return }
        last = now
        shown = true
        FileHandle.standardError.write(Data("\r\(label): \(count.formatted()) services".utf8))
    }

    mutating func finish() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
