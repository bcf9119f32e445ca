// Command leakd is a small service with a deliberate resource leak. It
// serves net/http/pprof so that profiles of the leak (and of ordinary
// background activity) can be captured for pprofdiff's test fixtures.
//
// Every call to /job runs "jobs" that open a connection pool and a
// database/sql handle and never close them, leaking one pool reaper
// goroutine and one database/sql connectionOpener goroutine per job, plus
// the memory those handles hold.
package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"

	"example.com/leakd/internal/pool"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	memRate := flag.Int("memprofilerate", 4096, "runtime.MemProfileRate")
	blockRate := flag.Int("blockrate", 1, "runtime.SetBlockProfileRate argument")
	mutexFrac := flag.Int("mutexfrac", 1, "runtime.SetMutexProfileFraction argument")
	bigHeap := flag.Int("bigheap", 0, "before serving, keep live allocations from about this many distinct call stacks (sets MemProfileRate=1)")
	deepHeap := flag.Int("deepheap", 0, "serve /deepgrow, which keeps objects live from this many distinct deep call stacks, at most 1<<20 (sets MemProfileRate=1, no background noise)")
	flag.Parse()
	if *deepHeap < 0 || *deepHeap > 1<<deepLevels {
		fmt.Fprintf(os.Stderr, "leakd: -deepheap must be in [0, %d]\n", 1<<deepLevels)
		os.Exit(2)
	}

	log.SetFlags(0)
	log.SetPrefix("leakd: ")

	runtime.MemProfileRate = *memRate
	runtime.SetBlockProfileRate(*blockRate)
	runtime.SetMutexProfileFraction(*mutexFrac)

	if *bigHeap > 0 {
		// Every allocation must be recorded so that each distinct stack
		// becomes its own heap profile sample. The rate stays at 1 for
		// the rest of the run so that /grow is recorded the same way.
		runtime.MemProfileRate = 1
		start := time.Now()
		growBigHeap(*bigHeap)
		runtime.GC() // publish the new allocations in the heap profile
		log.Printf("bigheap: %d distinct stacks allocated in %v", *bigHeap, time.Since(start).Round(time.Millisecond))
	}

	if *deepHeap > 0 {
		// As for -bigheap, but the objects come with /deepgrow, and the
		// noise is left out so that the profile holds the deep stacks and
		// little else, whatever the timing.
		runtime.MemProfileRate = 1
		startDeepHeap(*deepHeap)
	} else {
		startBackgroundNoise()
	}

	http.HandleFunc("/job", handleJob)
	http.HandleFunc("/grow", handleGrow)
	http.HandleFunc("/deepgrow", handleDeepGrow)
	http.HandleFunc("/park", handlePark)
	http.HandleFunc("/burst", handleBurst)
	http.HandleFunc("/churn", handleChurn)
	http.HandleFunc("/generic", handleGeneric)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// os.Stdout is unbuffered, so the line is visible to the reader at once.
	fmt.Fprintf(os.Stdout, "listening on %s\n", ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}

// countParam parses the "n" query parameter (default 1).
func countParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("n")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 10_000_000 {
		return 0, fmt.Errorf("bad n %q", s)
	}
	return n, nil
}

// handleJob runs n leaky jobs synchronously: GET /job?n=N -> "ok N".
func handleJob(w http.ResponseWriter, r *http.Request) {
	n, err := countParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var jobErr error
	pprof.Do(r.Context(), pprof.Labels("handler", "job"), func(ctx context.Context) {
		for i := 0; i < n; i++ {
			if jobErr = runLeakyJob(ctx); jobErr != nil {
				return
			}
		}
	})
	if jobErr != nil {
		http.Error(w, jobErr.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "ok %d\n", n)
}

// handleGrow keeps allocations from n more distinct stacks live:
// GET /grow?n=N -> "ok N".
func handleGrow(w http.ResponseWriter, r *http.Request) {
	n, err := countParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	growBigHeap(n)
	runtime.GC() // publish the new allocations in the heap profile
	fmt.Fprintf(w, "ok %d\n", n)
}

// handleDeepGrow runs the next round of -deepheap allocations: the first
// call allocates one object from each of the N deep stacks, every later
// call one more from each of a fixed quarter of them. GET /deepgrow ->
// "ok COUNT" (objects allocated).
func handleDeepGrow(w http.ResponseWriter, r *http.Request) {
	if deepStacks == 0 {
		http.Error(w, "not started with -deepheap", http.StatusBadRequest)
		return
	}
	start := time.Now()
	n := deepRound()
	log.Printf("deepgrow: %d objects in %v", n, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(w, "ok %d\n", n)
}

// handlePark starts n goroutines that stay parked for good, each at the
// end of its own stack: GET /park?n=N -> "ok TOTAL".
func handlePark(w http.ResponseWriter, r *http.Request) {
	n, err := countParam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "ok %d\n", parkGoroutines(n))
}

// ---- the leak ----

// leakedJob holds the handles a job forgot to close. Keeping them in a
// package-level slice makes them reachable, as they would be in a real
// service that stashes clients in a registry.
type leakedJob struct {
	cache *pool.ConnPool
	db    *sql.DB
	key   string
	sum   [32]byte
}

var (
	leakedMu sync.Mutex
	leaked   []*leakedJob
	jobSeq   int
)

// runLeakyJob is the bug: it builds a cache client and a database handle,
// uses them briefly and never calls Close on either.
func runLeakyJob(ctx context.Context) error {
	leakedMu.Lock()
	jobSeq++
	id := jobSeq
	leakedMu.Unlock()

	cache := pool.NewConnPool(pool.Options{
		Addr:               "127.0.0.1:6379",
		PoolSize:           4,
		BufSize:            2048,
		IdleTimeout:        5 * time.Minute,
		IdleCheckFrequency: time.Minute,
	})
	db := sql.OpenDB(fakeConnector{})
	if err := db.PingContext(ctx); err != nil {
		return err
	}

	job := &leakedJob{cache: cache, db: db, key: "job:" + strconv.Itoa(id)}
	cache.Do(job.key)
	job.sum = sha256.Sum256([]byte(job.key))

	// Missing: defer cache.Close(); defer db.Close()
	leakedMu.Lock()
	leaked = append(leaked, job)
	leakedMu.Unlock()
	return nil
}

// ---- background noise ----

// startBackgroundNoise starts the ordinary activity of a busy service so
// the profiles are not only about the leak.
func startBackgroundNoise() {
	go churnShortTasks()

	queue := make(chan int)
	for i := 0; i < 4; i++ {
		go queueWorker(queue)
	}
	go feedQueue(queue)

	never := make(chan struct{})
	for i := 0; i < 2; i++ {
		go waitForShutdown(never)
	}

	go churnScratchBuffers()
	go fillBoundedCache(newBoundedCache(64, 4096))

	for i := 0; i < 3; i++ {
		go contendOnStats()
	}

	pipe := make(chan []byte)
	go producePipeline(pipe)
	go consumePipeline(pipe)

	go pprof.Do(context.Background(), pprof.Labels("worker", "hash"), func(context.Context) {
		spinHashes()
	})
}

// churnShortTasks spawns a few short-lived goroutines every 10ms.
func churnShortTasks() {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for range t.C {
		for i := 0; i < 3; i++ {
			go shortTask(time.Duration(1+rand.Intn(6)) * time.Millisecond)
		}
	}
}

func shortTask(d time.Duration) {
	time.Sleep(d)
}

// queueWorker is a long-lived worker that is blocked on its queue most of
// the time.
func queueWorker(queue <-chan int) {
	for item := range queue {
		processQueueItem(item)
	}
}

func processQueueItem(item int) {
	var b [64]byte
	binary.LittleEndian.PutUint64(b[:], uint64(item))
	_ = sha256.Sum256(b[:])
}

func feedQueue(queue chan<- int) {
	for i := 0; ; i++ {
		queue <- i
		time.Sleep(20 * time.Millisecond)
	}
}

// waitForShutdown blocks until a shutdown that never comes.
func waitForShutdown(stop <-chan struct{}) {
	<-stop
}

// churnScratchBuffers allocates short-lived buffers and drops them.
var scratchSink int

func churnScratchBuffers() {
	for {
		buf := buildScratchBuffer(1024 + rand.Intn(63*1024))
		scratchSink += len(buf)
		time.Sleep(time.Millisecond)
	}
}

func buildScratchBuffer(n int) []byte {
	buf := make([]byte, n)
	for i := 0; i < len(buf); i += 512 {
		buf[i] = byte(i)
	}
	return buf
}

// boundedCache keeps at most max entries; older entries are evicted in
// insertion order, so its retained size stays constant.
type boundedCache struct {
	mu      sync.Mutex
	entries map[int][]byte
	order   []int
	max     int
	size    int
}

func newBoundedCache(max, size int) *boundedCache {
	return &boundedCache{entries: make(map[int][]byte, max), max: max, size: size}
}

func (c *boundedCache) put(key int) {
	val := make([]byte, c.size)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.order) >= c.max {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.entries[key] = val
	c.order = append(c.order, key)
}

func fillBoundedCache(c *boundedCache) {
	for key := 0; ; key++ {
		c.put(key)
		time.Sleep(5 * time.Millisecond)
	}
}

// contendOnStats makes several goroutines fight over one mutex.
var (
	statsMu sync.Mutex
	stats   [16]uint64
)

func contendOnStats() {
	for i := 0; ; i++ {
		updateSharedStats(i)
		time.Sleep(time.Duration(rand.Intn(300)) * time.Microsecond)
	}
}

func updateSharedStats(i int) {
	statsMu.Lock()
	defer statsMu.Unlock()
	for j := 0; j < 2000; j++ {
		stats[(i+j)%len(stats)] += uint64(j)
	}
	if i%10 == 0 {
		time.Sleep(200 * time.Microsecond)
	}
}

// producePipeline and consumePipeline pass buffers over an unbuffered
// channel; the slow consumer makes the producer block.
func producePipeline(out chan<- []byte) {
	for i := 0; ; i++ {
		out <- make([]byte, 256)
	}
}

func consumePipeline(in <-chan []byte) {
	for b := range in {
		b[0]++
		time.Sleep(2 * time.Millisecond)
	}
}

// spinHashes keeps roughly half a CPU busy so CPU profiles have samples.
func spinHashes() {
	block := make([]byte, 4096)
	rand.Read(block)
	for {
		deadline := time.Now().Add(10 * time.Millisecond)
		for time.Now().Before(deadline) {
			hashBlock(block)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func hashBlock(block []byte) {
	sum := sha256.Sum256(block)
	copy(block, sum[:])
}
