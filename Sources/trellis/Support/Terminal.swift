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
    private let unit: String
    private var last = ContinuousClock.now
    private var shown = false
    private var ticks = 0

    init(_ label: String, unit: String = "services") {
        self.label = label
        self.unit = unit
    }

    /// Shows `count`; cheap to call for every record (the clock is read every 64th call).
    mutating func update(_ count: Int) {
        ticks &+= 1
        guard Terminal.isInteractive, ticks % 64 == 0 else { return }
        let now = ContinuousClock.now
        guard now - last > .milliseconds(100) else { return }
        last = now
        shown = true
        FileHandle.standardError.write(Data("\r\(label): \(count.formatted()) \(unit)".utf8))
    }

    mutating func finish() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
