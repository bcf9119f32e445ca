// Package pool is a tiny stand-in for the connection pool found in many
// key/value store clients. Each pool starts a background goroutine that
// periodically drops idle connections; that goroutine only exits when the
// pool is closed. Forgetting to call Close therefore leaks one goroutine
// (plus the pool's buffers) per pool.
package pool

import (
	"sync"
	"time"
)

// Options configures a ConnPool.
type Options struct {
	// Addr is the (fake) server address. It is only recorded.
	Addr string
	// PoolSize is the number of connection slots to preallocate.
	PoolSize int
	// BufSize is the size in bytes of each slot's read buffer.
	BufSize int
	// IdleTimeout marks a connection stale once it was unused this long.
	IdleTimeout time.Duration
	// IdleCheckFrequency is how often the reaper goroutine runs.
	IdleCheckFrequency time.Duration
}

// conn is a pooled pseudo-connection.
type conn struct {
	buf      []byte
	lastUsed time.Time
}

// ConnPool hands out pseudo-connections and reaps idle ones in the background.
type ConnPool struct {
	opt Options

	mu    sync.Mutex
	conns []*conn
	stale int

	closeOnce sync.Once
	done      chan struct{}
}

// NewConnPool builds a pool and starts its reaper goroutine. The caller
// must call Close to stop the goroutine.
func NewConnPool(opt Options) *ConnPool {
	if opt.PoolSize <= 0 {
		opt.PoolSize = 4
	}
	if opt.BufSize <= 0 {
		opt.BufSize = 1024
	}
	if opt.IdleTimeout <= 0 {
		opt.IdleTimeout = 5 * time.Minute
	}
	if opt.IdleCheckFrequency <= 0 {
		opt.IdleCheckFrequency = time.Minute
	}
	p := &ConnPool{
		opt:   opt,
		conns: newConnBuffers(opt.PoolSize, opt.BufSize),
		done:  make(chan struct{}),
	}
	go p.reaper(opt.IdleCheckFrequency)
	return p
}

// newConnBuffers preallocates n connection slots with a read buffer each.
func newConnBuffers(n, size int) []*conn {
	now := time.Now()
	cs := make([]*conn, n)
	for i := range cs {
		cs[i] = &conn{buf: make([]byte, size), lastUsed: now}
	}
	return cs
}

// Do pretends to run a command on one pooled connection.
func (p *ConnPool) Do(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.conns[len(key)%len(p.conns)]
	n := copy(c.buf, key)
	c.lastUsed = time.Now()
	return n
}

// Len reports the number of live connection slots.
func (p *ConnPool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// Close stops the reaper goroutine. It is safe to call more than once.
func (p *ConnPool) Close() error {
	p.closeOnce.Do(func() { close(p.done) })
	return nil
}

// reaper wakes up every frequency and drops stale connections until the
// pool is closed.
func (p *ConnPool) reaper(frequency time.Duration) {
	ticker := time.NewTicker(frequency)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			p.reapStaleConns()
		case <-p.done:
			return
		}
	}
}

// reapStaleConns removes connections that have been idle too long.
func (p *ConnPool) reapStaleConns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	cutoff := time.Now().Add(-p.opt.IdleTimeout)
	kept := p.conns[:0]
	reaped := 0
	for _, c := range p.conns {
		if c.lastUsed.Before(cutoff) {
			reaped++
			continue
		}
		kept = append(kept, c)
	}
	p.conns = kept
	p.stale += reaped
	return reaped
}
