package main

import (
	"net/http"
	"strconv"
)

// Generic code for the function-name tests (testdata/names/): methods of
// generic types, generic functions instantiated with several types, and
// closures inside them, as the runtime names them in profiles.

type Stack[T any] struct{ items []T }

//go:noinline
func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }

//go:noinline
func MapSlice[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

type Pair[K comparable, V any] struct {
	k K
	v V
}

//go:noinline
func NewPair[K comparable, V any](k K, v V) *Pair[K, V] { return &Pair[K, V]{k, v} }

var genericKept []any

// handleGeneric keeps n rounds of allocations made through generic code.
func handleGeneric(w http.ResponseWriter, r *http.Request) {
	n, err := countParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for i := 0; i < n; i++ {
		bs := &Stack[[]byte]{}
		bs.Push(make([]byte, 512))
		is := &Stack[int]{}
		for j := 0; j < 64; j++ {
			is.Push(j)
		}
		strs := MapSlice([]int{i, i + 1, i + 2}, func(x int) string {
			return strconv.Itoa(x*1000) + "-item"
		})
		lens := MapSlice(strs, func(s string) []int { return make([]int, len(s)) })
		p := NewPair("k"+strconv.Itoa(i), make([]byte, 256))
		q := NewPair(i, strs)
		genericKept = append(genericKept, bs, is, strs, lens, p, q)
	}
}
