package sqlite

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sync/atomic"
)

// A first load's rebuild reads its lines from sorted runs instead of from SQLite.
//
// The rebuild pass after a bulk load reads every sales line back from the read index
// (a fifth of the full import's time, on the writer connection, which nothing else can
// use meanwhile) and every account's invoices (another tenth). When the tables were
// empty before the load, every row they hold went through the batch, so the batch
// keeps a copy of what the pass needs (48 bytes a line, 24 an invoice) as it writes
// them: runLen rows at a time, sorted in the order of the index by a goroutine of their
// own and written to a temporary file next to the database. The pass then merges the
// runs, in Go, on the goroutine that reads the lines, and the writer connection only
// writes the facts. Memory stays flat: two runs in memory at most, and the merge's
// buffers. The pass falls back to SQLite when a copy is not the table's whole content
// (lines replaced within the batch, an invoice given twice).
var (
	runLen   = 1 << 18 // (variables for the tests)
	keepRuns = true

	runsMerged atomic.Int64 // merges read, for the tests
)

// runKind describes the records of one kind of run: their size, order and encoding.
type runKind[T any] struct {
	size    int
	compare func(a, b T) int
	put     func(b []byte, r *T)
	get     func(b []byte) T
}

// runs collects the records of one kind, spilling each full run to a temporary file.
// add is called by one goroutine; the runs are sorted and written by another.
type runs[T any] struct {
	kind  *runKind[T]
	dir   string // where the temporary file goes ("" for the system's)
	cur   []T    // the run being filled
	n     int64  // records added
	valid bool   // the records are the table's whole content so far

	file     *os.File
	spans    [][2]int64 // offset and length of each run written
	pending  chan []T   // runs to sort and write
	free     chan []T   // buffers given back
	done     chan error // the spiller's result
	sorted   []T        // the last run, sorted in memory by finish
	finished bool       // finish has sorted it
	failed   error      // the spiller's error, once known
}

func newRuns[T any](kind *runKind[T], dir string) *runs[T] {
	return &runs[T]{kind: kind, dir: dir, valid: true}
}

// add adds one record.
func (r *runs[T]) add(rec T) {
	if !r.valid {
		return
	}
	if r.cur == nil {
		r.cur = make([]T, 0, 1024) // (a small load stays small)
	}
	r.cur = append(r.cur, rec)
	r.n++
	if len(r.cur) == runLen {
		r.spill()
	}
}

// spill hands the full current run to the spiller goroutine, starting it first.
func (r *runs[T]) spill() {
	if r.pending == nil {
		f, err := os.CreateTemp(r.dir, "incumbent-import-*.runs")
		if err != nil {
			r.failed = fmt.Errorf("sorted runs: %w", err)
			r.drop()
			return
		}
		r.file = f
		r.pending, r.free, r.done = make(chan []T, 1), make(chan []T, 1), make(chan error, 1)
		r.free <- make([]T, 0, runLen)
		go func() { r.done <- r.write() }()
	}
	r.pending <- r.cur
	r.cur = <-r.free
}

// write sorts and writes the runs it is given, one after the other, giving each buffer
// back; it records each run's span. After an error it only gives the buffers back.
func (r *runs[T]) write() error {
	w := bufio.NewWriterSize(r.file, 1<<20)
	var off int64
	var err error
	rec := make([]byte, r.kind.size)
	for run := range r.pending {
		if err == nil {
			slices.SortFunc(run, r.kind.compare)
			for i := range run {
				r.kind.put(rec, &run[i])
				if _, err = w.Write(rec); err != nil {
					break
				}
			}
			if err == nil {
				err = w.Flush()
			}
			n := int64(len(run) * r.kind.size)
			r.spans = append(r.spans, [2]int64{off, n})
			off += n
		}
		r.free <- run[:0]
	}
	return err
}

// finish waits for the spiller and sorts the last run. It returns false when the runs
// cannot stand for the table (invalid, or the spiller failed).
func (r *runs[T]) finish() bool {
	if r.pending != nil {
		close(r.pending)
		if err := <-r.done; err != nil {
			r.failed = fmt.Errorf("sorted runs: %w", err)
		}
		r.pending, r.free = nil, nil // (the spare buffer goes)
	}
	if !r.valid || r.failed != nil {
		return false
	}
	if !r.finished { // (Commit and the pass both ask)
		r.sorted, r.finished = r.cur, true
		slices.SortFunc(r.sorted, r.kind.compare)
	}
	return true
}

// drop gives up the copy: the pass will read the table.
func (r *runs[T]) drop() {
	r.valid = false
	r.cur = nil
}

// close waits for the spiller, if it runs, and removes the temporary file.
func (r *runs[T]) close() {
	if r.pending != nil {
		close(r.pending)
		<-r.done
		r.pending = nil
	}
	if r.file != nil {
		r.file.Close()
		os.Remove(r.file.Name())
		r.file = nil
	}
	r.cur, r.sorted = nil, nil
}

// merge returns the records of every run in order, through next, which returns false
// at the end. It is called after finish.
func (r *runs[T]) merge() (next func() (T, bool, error)) {
	runsMerged.Add(1)
	h := &runHeap[T]{kind: r.kind}
	for _, s := range r.spans {
		c := &runCursor[T]{kind: r.kind, r: bufio.NewReaderSize(io.NewSectionReader(r.file, s[0], s[1]), 64<<10),
			buf: make([]byte, r.kind.size)}
		h.cursors = append(h.cursors, c)
	}
	h.cursors = append(h.cursors, &runCursor[T]{kind: r.kind, mem: r.sorted})
	var live []*runCursor[T]
	for _, c := range h.cursors {
		ok, err := c.next()
		if err != nil {
			return func() (T, bool, error) { var z T; return z, false, err }
		}
		if ok {
			live = append(live, c)
		}
	}
	h.cursors = live
	heap.Init(h)
	return func() (T, bool, error) {
		var z T
		if len(h.cursors) == 0 {
			return z, false, nil
		}
		c := h.cursors[0]
		rec := c.head
		ok, err := c.next()
		switch {
		case err != nil:
			return z, false, err
		case ok:
			heap.Fix(h, 0)
		default:
			heap.Pop(h)
		}
		return rec, true, nil
	}
}

// runCursor reads one run: from the file, or the last run from memory.
type runCursor[T any] struct {
	kind *runKind[T]
	r    *bufio.Reader
	buf  []byte
	mem  []T
	head T
}

func (c *runCursor[T]) next() (bool, error) {
	if c.r == nil {
		if len(c.mem) == 0 {
			return false, nil
		}
		c.head, c.mem = c.mem[0], c.mem[1:]
		return true, nil
	}
	if _, err := io.ReadFull(c.r, c.buf); err != nil {
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, fmt.Errorf("sorted runs: %w", err)
	}
	c.head = c.kind.get(c.buf)
	return true, nil
}

// runHeap orders the cursors by their head record.
type runHeap[T any] struct {
	kind    *runKind[T]
	cursors []*runCursor[T]
}

func (h *runHeap[T]) Len() int { return len(h.cursors) }
func (h *runHeap[T]) Less(i, j int) bool {
	return h.kind.compare(h.cursors[i].head, h.cursors[j].head) < 0
}
func (h *runHeap[T]) Swap(i, j int) { h.cursors[i], h.cursors[j] = h.cursors[j], h.cursors[i] }
func (h *runHeap[T]) Push(x any)    { h.cursors = append(h.cursors, x.(*runCursor[T])) }
func (h *runHeap[T]) Pop() any {
	c := h.cursors[len(h.cursors)-1]
	h.cursors = h.cursors[:len(h.cursors)-1]
	return c
}

// salesRuns are sales lines in the order of the read index: account, product, day,
// amount, cost, quantity (SQLite compares the REALs as numbers, as cmpFloat does).
var salesRuns = &runKind[salesLine]{
	size: 48,
	compare: func(a, b salesLine) int {
		switch {
		case a.acc != b.acc:
			return cmp.Compare(a.acc, b.acc)
		case a.prod != b.prod:
			return cmp.Compare(a.prod, b.prod)
		case a.d.day != b.d.day:
			return cmp.Compare(a.d.day, b.d.day)
		}
		if c := cmpFloat(a.d.revenue, b.d.revenue); c != 0 {
			return c
		}
		if c := cmpFloat(a.d.cost, b.d.cost); c != 0 {
			return c
		}
		return cmpFloat(a.qty, b.qty)
	},
	put: func(b []byte, l *salesLine) {
		binary.LittleEndian.PutUint64(b[0:], uint64(l.acc))
		binary.LittleEndian.PutUint64(b[8:], uint64(l.prod))
		binary.LittleEndian.PutUint64(b[16:], uint64(l.d.day))
		binary.LittleEndian.PutUint64(b[24:], math.Float64bits(l.d.revenue))
		binary.LittleEndian.PutUint64(b[32:], math.Float64bits(l.d.cost))
		binary.LittleEndian.PutUint64(b[40:], math.Float64bits(l.qty))
	},
	get: func(b []byte) salesLine {
		return salesLine{
			acc:  int64(binary.LittleEndian.Uint64(b[0:])),
			prod: int64(binary.LittleEndian.Uint64(b[8:])),
			d: dayTotals{day: int64(binary.LittleEndian.Uint64(b[16:])),
				revenue: math.Float64frombits(binary.LittleEndian.Uint64(b[24:])),
				cost:    math.Float64frombits(binary.LittleEndian.Uint64(b[32:]))},
			qty: math.Float64frombits(binary.LittleEndian.Uint64(b[40:])),
		}
	},
}

// invoiceLine is one invoice as grade_facts encodes it, with its account's row id.
type invoiceLine struct {
	acc                int64
	invoice, due, paid int32 // day numbers; paid is openInvoice when unpaid
	amount             float64
}

// invoiceRuns are invoices in the order of invoices_account within an account:
// invoice date, due date, paid date (unpaid first, as SQLite puts NULL first), amount.
// Dates as day numbers sort as the YYYY-MM-DD texts the table holds.
var invoiceRuns = &runKind[invoiceLine]{
	size: 28,
	compare: func(a, b invoiceLine) int {
		switch {
		case a.acc != b.acc:
			return cmp.Compare(a.acc, b.acc)
		case a.invoice != b.invoice:
			return cmp.Compare(a.invoice, b.invoice)
		case a.due != b.due:
			return cmp.Compare(a.due, b.due)
		case a.paid != b.paid:
			return cmp.Compare(a.paid, b.paid)
		}
		return cmpFloat(a.amount, b.amount)
	},
	put: func(b []byte, l *invoiceLine) {
		binary.LittleEndian.PutUint64(b[0:], uint64(l.acc))
		binary.LittleEndian.PutUint32(b[8:], uint32(l.invoice))
		binary.LittleEndian.PutUint32(b[12:], uint32(l.due))
		binary.LittleEndian.PutUint32(b[16:], uint32(l.paid))
		binary.LittleEndian.PutUint64(b[20:], math.Float64bits(l.amount))
	},
	get: func(b []byte) invoiceLine {
		return invoiceLine{
			acc:     int64(binary.LittleEndian.Uint64(b[0:])),
			invoice: int32(binary.LittleEndian.Uint32(b[8:])),
			due:     int32(binary.LittleEndian.Uint32(b[12:])),
			paid:    int32(binary.LittleEndian.Uint32(b[16:])),
			amount:  math.Float64frombits(binary.LittleEndian.Uint64(b[20:])),
		}
	},
}

// cmpFloat compares as SQLite compares REALs: numerically, -0 equal to 0 (a sales
// line's numbers are never NaN: SQLite would have stored NULL, which NOT NULL refuses).
func cmpFloat(a, b float64) int { return cmp.Compare(a, b) }
