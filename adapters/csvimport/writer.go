package csvimport

import (
	"context"
	"sync/atomic"

	"github.com/incumbent/incumbent/domain"
)

// writeFn is one write into the import's batch.
type writeFn func(ctx context.Context, b domain.ImportBatch) error

// writer applies writes to the batch on its own goroutine, so that reading and checking
// the CSV files (one core) overlaps with the store's work (another). Writes are applied
// in the order they were queued, in chunks, through a small bounded queue.
type writer struct {
	batch  domain.ImportBatch
	ops    chan writeOp
	buf    []writeFn
	done   chan struct{}
	err    error       // the first write error; read after close or sync
	failed atomic.Bool // set as soon as a write fails
}

type writeOp struct {
	fns []writeFn
	ack chan struct{} // closed once every earlier write is applied
}

const (
	writeChunk = 512 // writes per queued chunk
	writeQueue = 8   // chunks queued before the reader waits
)

func startWriter(ctx context.Context, b domain.ImportBatch) *writer {
	w := &writer{batch: b, ops: make(chan writeOp, writeQueue), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for op := range w.ops {
			for _, fn := range op.fns {
				if w.err != nil {
					break
				}
				if err := fn(ctx, w.batch); err != nil {
					w.err = err
					w.failed.Store(true)
				}
			}
			if op.ack != nil {
				close(op.ack)
			}
		}
	}()
	return w
}

// put queues one write.
func (w *writer) put(fn writeFn) {
	w.buf = append(w.buf, fn)
	if len(w.buf) == writeChunk {
		w.ops <- writeOp{fns: w.buf}
		w.buf = make([]writeFn, 0, writeChunk)
	}
}

// sync waits until every queued write is applied and returns the first write error.
func (w *writer) sync() error {
	ack := make(chan struct{})
	w.ops <- writeOp{fns: w.buf, ack: ack}
	w.buf = nil
	<-ack
	return w.err
}

// close applies the queued writes, stops the goroutine and returns the first write error.
func (w *writer) close() error {
	if len(w.buf) > 0 {
		w.ops <- writeOp{fns: w.buf}
		w.buf = nil
	}
	close(w.ops)
	<-w.done
	return w.err
}
