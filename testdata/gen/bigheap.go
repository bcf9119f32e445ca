package main

import "sync"

// Allocations from many distinct call stacks, for benchmarking pprofdiff on
// very large heap profiles.
//
// Object number i is allocated at the end of a chain of bigDepth calls
// through d0..d9. The functions are picked by the decimal digits of
// shuffle(i), a permutation of [0, 10^bigDepth), so every object gets its
// own stack and neighbouring objects get unrelated stacks (which keeps the
// profile from compressing down to almost nothing). Each function calls the
// next one from its own call site, so there are 10*10 distinct caller
// locations, as in a real program. Object sizes vary too.

const (
	bigDepth = 12
	bigSpace = 1_000_000_000_000 // 10^bigDepth
)

var (
	bigMu   sync.Mutex
	bigNext uint64
	bigKeep [][]byte
)

// growBigHeap keeps n more objects live, each allocated from a new stack.
func growBigHeap(n int) {
	bigMu.Lock()
	defer bigMu.Unlock()
	for k := 0; k < n; k++ {
		x := shuffle(bigNext)
		bigNext++
		size := 16 + 8*int(x%29)
		bigStep(x, bigDepth, size)
	}
}

// shuffle is a bijection on [0, bigSpace): mix40 permutes 40-bit values
// and values at or above bigSpace are mixed again until they fall inside
// (cycle walking), so distinct inputs always give distinct outputs.
func shuffle(i uint64) uint64 {
	if i >= bigSpace {
		panic("bigheap: too many stacks")
	}
	x := mix40(i)
	for x >= bigSpace {
		x = mix40(x)
	}
	return x
}

// mix40 is an invertible scrambling of a 40-bit value: xor-shifts and
// multiplications by odd constants modulo 2^40.
func mix40(x uint64) uint64 {
	const mask = 1<<40 - 1
	x ^= x >> 19
	x = (x * 0x9e3779b97f4a7c15) & mask
	x ^= x >> 23
	x = (x * 0xbf58476d1ce4e5b9) & mask
	x ^= x >> 17
	return x
}

//go:noinline
func bigLeaf(size int) {
	bigKeep = append(bigKeep, make([]byte, size))
}

//go:noinline
func bigStep(x uint64, depth, size int) {
	d := x % 10
	x /= 10
	depth--
	switch d {
	case 0:
		d0(x, depth, size)
	case 1:
		d1(x, depth, size)
	case 2:
		d2(x, depth, size)
	case 3:
		d3(x, depth, size)
	case 4:
		d4(x, depth, size)
	case 5:
		d5(x, depth, size)
	case 6:
		d6(x, depth, size)
	case 7:
		d7(x, depth, size)
	case 8:
		d8(x, depth, size)
	case 9:
		d9(x, depth, size)
	}
}

func d0(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}

func d1(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}

func d2(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}

func d3(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}

func d4(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}

func d5(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}

func d6(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}

func d7(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}

func d8(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}

func d9(x uint64, depth, size int) {
	if depth == 0 {
		bigLeaf(size)
		return
	}
	switch next, depth := x/10, depth-1; x % 10 {
	case 0:
		d0(next, depth, size)
	case 1:
		d1(next, depth, size)
	case 2:
		d2(next, depth, size)
	case 3:
		d3(next, depth, size)
	case 4:
		d4(next, depth, size)
	case 5:
		d5(next, depth, size)
	case 6:
		d6(next, depth, size)
	case 7:
		d7(next, depth, size)
	case 8:
		d8(next, depth, size)
	case 9:
		d9(next, depth, size)
	}
}
