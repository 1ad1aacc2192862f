extension RandomAccessCollection where Index == Int {
    /// The number of leading elements that satisfy `isBefore`, in a
    /// collection where every element that does comes before every element
    /// that does not (such as "start <= address" over ascending starts):
    /// the index of the first that does not, found by binary search.
    ///
    /// - Parameter isBefore: The predicate the collection is partitioned by.
    /// - Returns: An index from `startIndex` to `endIndex`.
    @inlinable
    func partitionPoint(_ isBefore: (Element) -> Bool) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = low &+ (high &- low) >> 1
            if isBefore(self[middle]) { low = middle &+ 1 } else { high = middle }
        }
        return low
    }
}
