/// Computes the number of tasks an `sqs` trigger requests.
///
/// No messages gives 0. Otherwise, with `messagesPerTask`, one task per `messagesPerTask`
/// messages (rounded up) but at least `taskCount`; without it, `taskCount`. Either way at
/// most `maxCount`.
/// - Parameters:
///   - messages: the queue's ApproximateNumberOfMessages.
///   - maxCount: the job's maxCount, or 50 when it has none.
func desiredCount(messages: Int, messagesPerTask: Int?, taskCount: Int, maxCount: Int) -> Int {
    guard messages > 0 else { return 0 }
    guard let messagesPerTask else { return min(maxCount, taskCount) }
    let needed = (messages + messagesPerTask - 1) / messagesPerTask
    return min(maxCount, max(needed, taskCount))
}
