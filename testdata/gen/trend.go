package main

// Two shapes a trend must tell apart from a leak, for the trend fixtures
// (trend.sh): a one-off jump, and churn that comes and goes.

import (
	"fmt"
	"net/http"
	"sync"
)

var (
	burstMu   sync.Mutex
	burstKept [][]byte
	burstStop = make(chan struct{}) // never closed: burst goroutines stay

	churnMu    sync.Mutex
	churnStops []chan struct{}
)

// handleBurst starts n goroutines that wait for good and keeps n 4 KiB
// buffers live, once per call: GET /burst?n=N -> "ok N". Called once in
// a run, it is a step that never repeats.
func handleBurst(w http.ResponseWriter, r *http.Request) {
	n, err := countParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	burstMu.Lock()
	for i := 0; i < n; i++ {
		burstKept = append(burstKept, allocBurstBuffer())
		go waitBurst()
	}
	burstMu.Unlock()
	fmt.Fprintf(w, "ok %d\n", n)
}

func allocBurstBuffer() []byte { return make([]byte, 4096) }

func waitBurst() { <-burstStop }

// handleChurn sets the number of churn goroutines to n, starting or
// stopping some: GET /churn?n=N -> "ok N". Alternating calls make a
// series that goes up and down with no net growth.
func handleChurn(w http.ResponseWriter, r *http.Request) {
	n, err := countParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	churnMu.Lock()
	for len(churnStops) < n {
		stop := make(chan struct{})
		churnStops = append(churnStops, stop)
		go churnWorker(stop)
	}
	for len(churnStops) > n {
		last := len(churnStops) - 1
		close(churnStops[last])
		churnStops = churnStops[:last]
	}
	churnMu.Unlock()
	fmt.Fprintf(w, "ok %d\n", n)
}

func churnWorker(stop <-chan struct{}) {
	buf := make([]byte, 2048)
	<-stop
	_ = buf
}
