// Matching arrives with its own issue.
