extension RandomAccessCollection {
    /// The first index whose element satisfies `belongsToSecondPart`, in a
    /// collection where every element that does comes after every one that
    /// does not (binary search); `endIndex` when none does. With
    /// `{ $0.time > t }` on elements sorted by time, the element before it is
    /// the last at or before `t`.
    ///
    /// - Parameter belongsToSecondPart: true for the second part, false for the first.
    /// - Returns: the partition point.
    @inlinable
    public func partitionPoint(where belongsToSecondPart: (Element) throws -> Bool) rethrows -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if try belongsToSecondPart(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
