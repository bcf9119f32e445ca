package main

import (
	"runtime"
	"sync"
	"unsafe"
)

// The "deep heap" and the parked goroutines, for benchmarking pprofdiff on
// profiles with many deep, distinct stacks.
//
// deepTree is a binary tree of functions: level k holds deepLk and deepRk.
// Object (or goroutine) number x descends from level 0 and takes, at
// level k, the left function when bit k of x is 0 and the right one when
// it is 1; below the last level it reaches deepLeaf. So the first 2^levels
// numbers each get their own call stack, levels+1 frames deep plus the
// fixed frames above the tree. Every tree function makes its call from one
// line, through the table, so a stack differs from another only in which
// functions it passes through.

const deepLevels = 20 // the heap tree: up to 2^20 distinct stacks

// deepArgs is what a descent carries down to the leaf.
type deepArgs struct {
	levels int             // tree levels to descend, at most deepLevels
	size   int             // bytes to allocate at the leaf
	head   unsafe.Pointer  // the newest object; each points to the one before
	park   <-chan struct{} // non-nil: the leaf blocks on it instead
}

type deepFunc func(x uint64, k int, a *deepArgs)

var deepTree [deepLevels][2]deepFunc

func init() { // not an initializer: the functions refer to deepTree
	deepTree = [deepLevels][2]deepFunc{
		{deepL00, deepR00},
		{deepL01, deepR01},
		{deepL02, deepR02},
		{deepL03, deepR03},
		{deepL04, deepR04},
		{deepL05, deepR05},
		{deepL06, deepR06},
		{deepL07, deepR07},
		{deepL08, deepR08},
		{deepL09, deepR09},
		{deepL10, deepR10},
		{deepL11, deepR11},
		{deepL12, deepR12},
		{deepL13, deepR13},
		{deepL14, deepR14},
		{deepL15, deepR15},
		{deepL16, deepR16},
		{deepL17, deepR17},
		{deepL18, deepR18},
		{deepL19, deepR19},
	}
}

// deepNext picks the function that level k calls: the left or right one
// of level k+1, or the leaf after the last level.
func deepNext(x uint64, k int, a *deepArgs) deepFunc {
	if k+1 >= a.levels {
		return deepLeaf
	}
	return deepTree[k+1][x>>(k+1)&1]
}

// deepLeaf is where every descent ends: one allocation, or a goroutine
// parked on a channel.
func deepLeaf(x uint64, k int, a *deepArgs) {
	if a.park != nil {
		<-a.park
		return
	}
	// The objects form a list through their first word, so keeping
	// them live takes no allocation of its own.
	obj := make([]unsafe.Pointer, a.size/8)
	obj[0] = a.head
	a.head = unsafe.Pointer(&obj[0])
}

// ---- the deep heap (-deepheap N, /deepgrow) ----

var (
	deepStacks int // -deepheap N
	deepReqs   = make(chan chan int)
	deepHeld   unsafe.Pointer // the newest object, which keeps all live
)

// startDeepHeap starts the goroutine that makes every round of deep
// allocations. All rounds run there and call deepAlloc from one line, so
// a later round allocates from exactly the stacks the first one used.
func startDeepHeap(n int) {
	deepStacks = n
	go deepWorker(n)
}

// deepRound runs the next round and returns how many objects it
// allocated: the first round one for each of the n stacks, every later
// round one more for each stack of a fixed quarter of them.
func deepRound() int {
	done := make(chan int)
	deepReqs <- done
	n := <-done
	runtime.GC() // publish the new allocations in the heap profile
	return n
}

func deepWorker(n int) {
	for round := 0; ; round++ {
		done := <-deepReqs
		done <- deepAlloc(n, round)
	}
}

// deepAlloc runs one round. Object x has 16+8*(x%13) bytes, so the sample
// of its stack always has one size, and every value is below 128 (one
// byte as a varint, as for most small objects). Rounds after the first
// allocate only for the quarter of the stacks picked by deepPick.
//
// Each round ends with two more objects, down the all-left and the
// all-right path, with a size of the round's own. The heap profile lists
// the newest stack records first and numbers locations as it meets them,
// so these two give all the tree's frames the first location ids
// (one-byte varints) in every snapshot, whatever the server allocated
// since the previous round (writing a big profile makes many new records).
// All objects are allocated from one call site, so they share its frame.
func deepAlloc(n, round int) int {
	a := &deepArgs{levels: deepLevels, head: deepHeld}
	count := 0
	for i := 0; i < n+2; i++ {
		x, size := uint64(i), 16+8*(i%13)
		if i >= n { // the two last
			x, size = uint64(i-n)*(1<<deepLevels-1), 128+16*round
		} else if round > 0 && !deepPick(x) {
			continue
		} else {
			count++
		}
		a.size = size
		deepTree[0][x&1](x, 0, a)
	}
	deepHeld = a.head
	return count
}

// deepPick chooses a scattered quarter of the stacks: those whose
// multiplicative hash has its top two bits zero.
func deepPick(x uint64) bool {
	return (x*0x9e3779b97f4a7c15)>>62 == 0
}

// ---- parked goroutines (/park?n=N) ----

const parkLevels = 17 // up to 2^17 distinct goroutine stacks

var (
	parkMu   sync.Mutex
	parkNext uint64
	parkCh   = make(chan struct{}) // never closed
	parkArgs = &deepArgs{levels: parkLevels, park: parkCh}
)

// parkGoroutines starts n goroutines that stay blocked for good, each
// parked at the end of its own path through the first parkLevels levels of
// the tree (numbers go on from the previous call; past 2^parkLevels
// goroutines, paths repeat). It returns how many are parked in all.
func parkGoroutines(n int) uint64 {
	parkMu.Lock()
	defer parkMu.Unlock()
	for i := 0; i < n; i++ {
		go parkedGoroutine(parkNext)
		parkNext++
	}
	return parkNext
}

func parkedGoroutine(x uint64) {
	deepTree[0][x&1](x, 0, parkArgs)
}

// ---- the tree functions ----

func deepL00(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR00(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL01(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR01(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL02(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR02(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL03(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR03(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL04(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR04(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL05(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR05(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL06(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR06(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL07(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR07(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL08(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR08(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL09(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR09(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL10(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR10(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL11(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR11(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL12(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR12(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL13(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR13(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL14(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR14(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL15(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR15(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL16(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR16(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL17(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR17(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL18(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR18(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepL19(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
func deepR19(x uint64, k int, a *deepArgs) { deepNext(x, k, a)(x, k+1, a) }
