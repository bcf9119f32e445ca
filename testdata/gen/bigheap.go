package main

import "sync"

// Allocations from many distinct call stacks, for benchmarking pprofdiff on
// very large heap profiles. Object i is allocated at the end of a chain of
// bigDepth calls through d0..d9, where the k-th call is chosen by the k-th
// decimal digit of i, so every i has its own stack.

const bigDepth = 10

var (
	bigMu   sync.Mutex
	bigNext int
	bigKeep [][]byte
)

var digitFuncs [10]func(i, depth int)

func init() {
	digitFuncs = [10]func(i, depth int){d0, d1, d2, d3, d4, d5, d6, d7, d8, d9}
}

// growBigHeap keeps n more objects live, each from a new stack.
func growBigHeap(n int) {
	bigMu.Lock()
	defer bigMu.Unlock()
	for k := 0; k < n; k++ {
		i := bigNext
		bigNext++
		digitFuncs[i%10](i/10, bigDepth-1)
	}
}

//go:noinline
func bigLeaf(i int) {
	bigKeep = append(bigKeep, make([]byte, 16+8*(i%4)))
}

func d0(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}

func d1(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}

func d2(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}

func d3(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}

func d4(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}

func d5(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}

func d6(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}

func d7(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}

func d8(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}

func d9(i, depth int) {
	if depth == 0 {
		bigLeaf(i)
		return
	}
	digitFuncs[i%10](i/10, depth-1)
}
