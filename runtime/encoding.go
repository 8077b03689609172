package runtime

// One watchpoint is one 64-bit word, as in KCSAN's encoding.h:
//
//	bit  63     is_write: the watcher's access is a write, so any access
//	            conflicts; otherwise only writes do
//	bits 49..62 size of the watched access in bytes (up to maxEncodableSize)
//	bits 48     always zero
//	bits 0..47  the address (user-space addresses on amd64 and arm64 fit
//	            in 48 bits, so Go addresses are encoded exactly; an alias
//	            is still caught in the reporter and counted as an
//	            encoding_false_positive)
//
// Two values are reserved: 0 is a free slot and 1 is a watchpoint that was
// consumed by a goroutine that hit it. Every valid encoding has a non-zero
// size and so is at least 1<<49.

const (
	invalidWatchpoint  = 0
	consumedWatchpoint = 1

	slotRange        = 4096 // bytes of address space per slot, KCSAN's PAGE_SIZE
	checkAdjacent    = 1    // neighbour slots checked on each side
	numSlots         = 1 + 2*checkAdjacent
	maxEncodableSize = slotRange * (1 + checkAdjacent)

	watchpointSizeBits = 14 // bits needed for maxEncodableSize (8192)
	watchpointAddrBits = 64 - 1 - watchpointSizeBits
	watchpointWriteBit = uint64(1) << 63
	watchpointSizeMask = ((uint64(1) << watchpointSizeBits) - 1) << watchpointAddrBits
	watchpointAddrMask = (uint64(1) << 48) - 1
)

// encodable reports whether an access of size bytes can be watched.
func encodable(size uintptr) bool {
	return size <= maxEncodableSize
}

// encodeWatchpoint packs an access into a watchpoint word.
func encodeWatchpoint(addr, size uintptr, isWrite bool) uint64 {
	w := uint64(size)<<watchpointAddrBits | uint64(addr)&watchpointAddrMask
	if isWrite {
		w |= watchpointWriteBit
	}
	return w
}

// decodeWatchpoint unpacks a watchpoint word; ok is false for a free or
// consumed slot.
func decodeWatchpoint(w uint64) (addr, size uintptr, isWrite, ok bool) {
	if w == invalidWatchpoint || w == consumedWatchpoint {
		return 0, 0, false, false
	}
	return uintptr(w & watchpointAddrMask), uintptr((w & watchpointSizeMask) >> watchpointAddrBits), w&watchpointWriteBit != 0, true
}

// matchingAccess reports whether [a1, a1+s1) and [a2, a2+s2) overlap
// (closed intervals, as KCSAN's matching_access; callers never pass size 0).
func matchingAccess(a1, s1, a2, s2 uintptr) bool {
	return a1 <= a2+s2-1 && a2 <= a1+s1-1
}
