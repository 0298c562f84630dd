package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// readModelLayout is the layout of the read model this build writes (meta.read_model).
// A store whose read model was built with another layout is rebuilt when opened.
const readModelLayout = 6

// Sizes of the grade_facts records (see the schema).
const (
	invoiceRecord    = 3*4 + 8
	commitmentRecord = 4 + 3*8
	rfqRecord        = 4 + 1
	openInvoice      = math.MinInt32
)

// rfqCodes are the outcome codes of grade_facts.
var rfqCodes = []domain.RFQOutcome{domain.RFQWon, domain.RFQLost, domain.RFQPending, domain.RFQNotInvited}

// commitTaken is one commitment month and the quantity taken in it so far.
type commitTaken struct {
	month                     int32 // year × 12 + month − 1
	committed, taken, unitCst float64
}

// gradeInputs are the commitments and RFQs of every account, loaded before the pass over
// the sales, which fills in the quantities taken. Invoices, two million in the benchmark
// data set, are read account by account as each account's facts are written (an
// earlier version held them all: 40 MB more heap, and under the import's soft heap
// limit the garbage collector then took half the rebuild's time).
type gradeInputs struct {
	b       *Batch
	withInv map[int64]bool // accounts with invoices not written yet
	invBuf  []byte         // reused for each account's invoices
	rfqs    map[int64][]byte
	commits map[int64][]*commitTaken       // by account, in period order
	byLine  map[[2]int64][]*commitTaken    // by (account, product): what a sales line feeds
	months  map[int64]struct{ y, m int32 } // memo of day → month
	stream  *invoiceStream                 // the batch's sorted copy of the invoices, if whole
	ready   func() error                   // when not nil, waits for invoices_account to be built
}

// loadGradeInputs reads the commitments and RFQs of the accounts, and which have
// invoices; only, when not "", is the JSON list of their account ids.
func (b *Batch) loadGradeInputs(ctx context.Context, accounts map[int64]seriesAccount, only string) (*gradeInputs, error) {
	where, args := "", []any(nil)
	if only != "" {
		where, args = ` WHERE account_id IN (SELECT value FROM json_each(?))`, []any{only}
	}
	ids := make(map[string]int64, len(accounts))
	for id, a := range accounts {
		ids[a.id] = id
	}
	in := &gradeInputs{b: b, rfqs: map[int64][]byte{},
		commits: map[int64][]*commitTaken{}, byLine: map[[2]int64][]*commitTaken{}, months: map[int64]struct{ y, m int32 }{}}
	in.withInv = map[int64]bool{}
	if only == "" && b.invoices != nil && b.invoices.finish() {
		var n int64
		if err := b.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invoices`).Scan(&n); err != nil {
			return nil, err
		}
		if n == b.invoices.n { // (else an invoice was given twice: the table has the last)
			in.stream = &invoiceStream{next: b.invoices.merge()}
			for id := range b.invoiceAccounts {
				if _, ok := accounts[id]; ok {
					in.withInv[id] = true
				}
			}
		}
	}
	if in.stream == nil {
		if err := in.loadWithInvoices(ctx, ids, where, args); err != nil {
			return nil, err
		}
	}
	rows, err := b.tx.QueryContext(ctx, `SELECT c.account_id, p.id, p.unit_cost, c.period, c.committed_qty
		FROM (SELECT * FROM commitments`+where+`) c JOIN products p ON p.sku = c.sku
		ORDER BY c.account_id, c.period, c.sku`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var acc, period string
		var product int64
		var unitCost, qty float64
		if err := rows.Scan(&acc, &product, &unitCost, &period, &qty); err != nil {
			return nil, err
		}
		id, ok := ids[acc]
		if !ok {
			continue
		}
		m, err := domain.ParseMonth(period)
		if err != nil {
			return nil, fmt.Errorf("commitment of %s: %w", acc, err)
		}
		c := &commitTaken{month: int32(m.Year*12 + int(m.Month) - 1), committed: qty, unitCst: unitCost}
		in.commits[id] = append(in.commits[id], c)
		in.byLine[[2]int64{id, product}] = append(in.byLine[[2]int64{id, product}], c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	rows, err = b.tx.QueryContext(ctx, `SELECT account_id, date, outcome FROM rfqs`+where+` ORDER BY account_id, rfq_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var r [rfqRecord]byte
	for rows.Next() {
		var acc, date, outcome string
		if err := rows.Scan(&acc, &date, &outcome); err != nil {
			return nil, err
		}
		id, ok := ids[acc]
		if !ok {
			continue
		}
		d, err := textDay(date)
		if err != nil {
			return nil, fmt.Errorf("RFQ of %s: %w", acc, err)
		}
		code := -1
		for i, o := range rfqCodes {
			if string(o) == outcome {
				code = i
			}
		}
		if code < 0 {
			return nil, fmt.Errorf("RFQ of %s: unknown outcome %q", acc, outcome)
		}
		binary.LittleEndian.PutUint32(r[0:], uint32(int32(d)))
		r[4] = byte(code)
		in.rfqs[id] = append(in.rfqs[id], r[:]...)
	}
	return in, rows.Err()
}

// loadWithInvoices records which of the accounts (by account id) have invoices.
func (in *gradeInputs) loadWithInvoices(ctx context.Context, ids map[string]int64, where string, args []any) error {
	rows, err := in.b.tx.QueryContext(ctx, `SELECT DISTINCT account_id FROM invoices`+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var acc sql.RawBytes
		if err := rows.Scan(&acc); err != nil {
			return err
		}
		if id, ok := ids[string(acc)]; ok {
			in.withInv[id] = true
		}
	}
	return rows.Err()
}

// take adds a sales line's quantity to the commitment of its account, product and month.
func (in *gradeInputs) take(account, product, day int64, qty float64) {
	cs := in.byLine[[2]int64{account, product}]
	if len(cs) == 0 {
		return
	}
	ym, ok := in.months[day]
	if !ok {
		t := time.Unix(day*86400, 0).UTC()
		ym = struct{ y, m int32 }{int32(t.Year()), int32(t.Month())}
		in.months[day] = ym
	}
	month := ym.y*12 + ym.m - 1
	for _, c := range cs {
		if c.month == month {
			c.taken += qty
		}
	}
}

// invoicesOf reads and encodes one account's invoices, in the order of invoices_account.
// The three dates come as one text (each value fetched costs SQLite's connection lock,
// more than the concatenation): the invoice day, the due day and the paid day, if any.
func (in *gradeInputs) invoicesOf(ctx context.Context, accountID string, buf []byte) ([]byte, error) {
	if in.ready != nil {
		if err := in.ready(); err != nil {
			return nil, err
		}
	}
	st, err := in.b.stmt(ctx, `SELECT invoice_date || due_date || COALESCE(paid_date, ''), amount
		FROM invoices WHERE account_id = ?`)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rec [invoiceRecord]byte
	var dates sql.RawBytes
	var amount float64
	for rows.Next() {
		if err := rows.Scan(&dates, &amount); err != nil {
			return nil, err
		}
		if len(dates) != 20 && len(dates) != 30 {
			return nil, fmt.Errorf("invoice of %s: dates %q are not two or three dates (YYYY-MM-DD)", accountID, dates)
		}
		d0, err0 := textDay(dates[:10])
		d1, err1 := textDay(dates[10:20])
		d2 := int64(openInvoice)
		var err2 error
		if len(dates) == 30 {
			d2, err2 = textDay(dates[20:])
		}
		if err := errors.Join(err0, err1, err2); err != nil {
			return nil, fmt.Errorf("invoice of %s: %w", accountID, err)
		}
		binary.LittleEndian.PutUint32(rec[0:], uint32(int32(d0)))
		binary.LittleEndian.PutUint32(rec[4:], uint32(int32(d1)))
		binary.LittleEndian.PutUint32(rec[8:], uint32(int32(d2)))
		binary.LittleEndian.PutUint64(rec[12:], math.Float64bits(amount))
		buf = append(buf, rec[:]...)
	}
	return buf, rows.Err()
}

// invoiceStream hands out the invoices of a merge of sorted runs account by account,
// to accounts asked in increasing row id order (those with sales, in the pass).
type invoiceStream struct {
	next    func() (invoiceLine, bool, error)
	head    invoiceLine
	more    bool  // head is an invoice not handed out yet
	started bool  // head was read
	asked   int64 // the last account asked
}

// of appends the encoded invoices of the account with row id acc to buf. It returns
// false when acc comes after an account asked before it, whose invoices the stream
// may have passed: the caller then reads them from SQLite.
func (s *invoiceStream) of(acc int64, buf []byte) ([]byte, bool, error) {
	if s.started && acc <= s.asked {
		return buf, false, nil
	}
	s.asked = acc
	if !s.started {
		s.started = true
		if err := s.advance(); err != nil {
			return buf, false, err
		}
	}
	var rec [invoiceRecord]byte
	for s.more && s.head.acc <= acc {
		if s.head.acc == acc {
			binary.LittleEndian.PutUint32(rec[0:], uint32(s.head.invoice))
			binary.LittleEndian.PutUint32(rec[4:], uint32(s.head.due))
			binary.LittleEndian.PutUint32(rec[8:], uint32(s.head.paid))
			binary.LittleEndian.PutUint64(rec[12:], math.Float64bits(s.head.amount))
			buf = append(buf, rec[:]...)
		}
		if err := s.advance(); err != nil {
			return buf, false, err
		}
	}
	return buf, true, nil
}

func (s *invoiceStream) advance() error {
	var err error
	s.head, s.more, err = s.next()
	return err
}

// encode returns the grade_facts blob of an account with the given sales series, and
// forgets the account's inputs.
func (in *gradeInputs) encode(ctx context.Context, account int64, accountID string, series []byte) ([]byte, error) {
	var inv []byte
	if in.withInv[account] {
		ok := false
		var err error
		if in.stream != nil {
			if inv, ok, err = in.stream.of(account, in.invBuf[:0]); err != nil {
				return nil, err
			}
		}
		if !ok {
			if inv, err = in.invoicesOf(ctx, accountID, in.invBuf[:0]); err != nil {
				return nil, err
			}
		}
		in.invBuf = inv
	}
	rfq, cs := in.rfqs[account], in.commits[account]
	delete(in.withInv, account)
	delete(in.rfqs, account)
	delete(in.commits, account)
	out := make([]byte, 0, 16+len(series)+len(inv)+len(rfq)+len(cs)*commitmentRecord)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(series)/recordSize))
	out = append(out, series...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(inv)/invoiceRecord))
	out = append(out, inv...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(cs)))
	for _, c := range cs {
		out = binary.LittleEndian.AppendUint32(out, uint32(c.month))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(c.committed))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(c.taken))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(c.unitCst))
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(len(rfq)/rfqRecord))
	return append(out, rfq...), nil
}

// rest returns the accounts with invoices, commitments or RFQs whose facts were not
// encoded yet: those without sales.
func (in *gradeInputs) rest() []int64 {
	seen := map[int64]bool{}
	var out []int64
	for id := range in.withInv {
		seen[id] = true
		out = append(out, id)
	}
	for id := range in.rfqs {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for id := range in.commits {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// textDay is the day number of a YYYY-MM-DD date, parsed without building a time.Time:
// the rebuild reads millions of invoice dates.
func textDay[T ~string | ~[]byte](s T) (int64, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	num := func(p T) (int64, bool) {
		var n int64
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return 0, false
			}
			n = n*10 + int64(p[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	// Days from civil (H. Hinnant's algorithm), proleptic Gregorian calendar.
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468, nil
}

// GradeFacts sums every account's grade facts as of asOf from grade_facts: one read of
// one row per account, whatever the date, by territory and account.
func (s *Store) GradeFacts(ctx context.Context, asOf time.Time) ([]domain.GradeFacts, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.account_id, f.facts, x.lines, x.commitments FROM series_territories t
		CROSS JOIN grade_facts f ON f.rowid BETWEEN t.rank << 32 AND (t.rank << 32) + (1 << 32) - 1
		LEFT JOIN facts_tail x ON x.account = f.account ORDER BY t.territory`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: grade facts: %w", err)
	}
	defer rows.Close()
	w := domain.NewDayWindow(asOf)
	var out []domain.GradeFacts
	var account string
	var facts, tail, commitments sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&account, &facts, &tail, &commitments); err != nil {
			return nil, fmt.Errorf("sqlite: grade facts: %w", err)
		}
		all, err := gradeWithTail(facts, tail, commitments)
		if err != nil {
			return nil, fmt.Errorf("sqlite: grade facts of %s: %w", account, err)
		}
		f, err := decodeGradeFacts(account, all, w)
		if err != nil {
			return nil, fmt.Errorf("sqlite: grade facts of %s: %w", account, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: grade facts: %w", err)
	}
	return out, nil
}

// decodeGradeFacts sums one grade_facts blob over window w.
func decodeGradeFacts(account string, b []byte, w domain.DayWindow) (domain.GradeFacts, error) {
	f := domain.GradeFacts{AccountID: account}
	run := func(size int) ([]byte, error) {
		if len(b) < 4 {
			return nil, errors.New("truncated facts")
		}
		n := int(binary.LittleEndian.Uint32(b))
		if len(b) < 4+n*size {
			return nil, errors.New("truncated facts")
		}
		r := b[4 : 4+n*size]
		b = b[4+n*size:]
		return r, nil
	}
	series, err := run(recordSize)
	if err != nil {
		return f, err
	}
	_, r0, c0 := upTo(series, w.After)
	_, r1, c1 := upTo(series, w.Through)
	f.Revenue, f.Cost = r1-r0, c1-c0
	invoices, err := run(invoiceRecord)
	if err != nil {
		return f, err
	}
	for i := 0; i < len(invoices); i += invoiceRecord {
		r := invoices[i:]
		paid := int64(int32(binary.LittleEndian.Uint32(r[8:])))
		if paid == openInvoice {
			paid = domain.NoDay
		}
		f.AddInvoice(w, int64(int32(binary.LittleEndian.Uint32(r))), int64(int32(binary.LittleEndian.Uint32(r[4:]))),
			paid, math.Float64frombits(binary.LittleEndian.Uint64(r[12:])))
	}
	commits, err := run(commitmentRecord)
	if err != nil {
		return f, err
	}
	for i := 0; i < len(commits); i += commitmentRecord {
		r := commits[i:]
		ym := int(int32(binary.LittleEndian.Uint32(r)))
		m := domain.Month{Year: ym / 12, Month: time.Month(ym%12 + 1)}
		f.AddCommitment(w, m, math.Float64frombits(binary.LittleEndian.Uint64(r[4:])),
			math.Float64frombits(binary.LittleEndian.Uint64(r[12:])), math.Float64frombits(binary.LittleEndian.Uint64(r[20:])))
	}
	rfqs, err := run(rfqRecord)
	if err != nil {
		return f, err
	}
	for i := 0; i < len(rfqs); i += rfqRecord {
		r := rfqs[i:]
		code := int(r[4])
		if code >= len(rfqCodes) {
			return f, fmt.Errorf("unknown RFQ outcome code %d", code)
		}
		f.AddRFQ(w, int64(int32(binary.LittleEndian.Uint32(r))), rfqCodes[code])
	}
	return f, nil
}

// SaveGrading stores g, replacing the grading of the same territory and as-of date. A
// grading already stored at the same data version is left as it is: it is the same.
func (s *Store) SaveGrading(ctx context.Context, g domain.Grading) (err error) {
	asOf := g.AsOf.Format(domain.DateLayout)
	var version int64
	err = s.db.QueryRowContext(ctx, `SELECT version FROM gradings WHERE territory = ? AND as_of = ?`, g.Territory, asOf).Scan(&version)
	if err == nil && version == g.Version {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: save grading: %w", err)
	}
	conn, err := s.writer(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: save grading: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: save grading: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			err = fmt.Errorf("sqlite: save grading of %s at %s: %w", g.Territory, asOf, err)
		}
	}()
	if _, err = tx.ExecContext(ctx, `DELETE FROM grading_marks WHERE territory = ? AND as_of = ?`, g.Territory, asOf); err != nil {
		return err
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO gradings (territory, as_of, version) VALUES (?, ?, ?)
		ON CONFLICT (territory, as_of) DO UPDATE SET version = excluded.version`, g.Territory, asOf, g.Version); err != nil {
		return err
	}
	const chunk = 200
	for start := 0; start < len(g.Marks); start += chunk {
		marks := g.Marks[start:min(start+chunk, len(g.Marks))]
		args := make([]any, 0, 5*len(marks))
		for _, m := range marks {
			args = append(args, g.Territory, asOf, m.AccountID, m.Tier, m.Score)
		}
		q := `INSERT INTO grading_marks (territory, as_of, account_id, tier, score) VALUES ` +
			strings.Repeat("(?, ?, ?, ?, ?), ", len(marks)-1) + "(?, ?, ?, ?, ?)"
		if _, err = tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// PreviousGrading returns the territory's latest grading before the date before.
func (s *Store) PreviousGrading(ctx context.Context, territory string, before time.Time) (domain.Grading, error) {
	g := domain.Grading{Territory: territory}
	var asOf string
	err := s.db.QueryRowContext(ctx, `SELECT as_of, version FROM gradings WHERE territory = ? AND as_of < ?
		ORDER BY as_of DESC LIMIT 1`, territory, before.Format(domain.DateLayout)).Scan(&asOf, &g.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return g, domain.Errorf(domain.ENOTFOUND, "No grading of %s is stored before %s.", territory, before.Format(domain.DateLayout))
	}
	if err != nil {
		return g, fmt.Errorf("sqlite: previous grading: %w", err)
	}
	if g.AsOf, err = domain.ParseDate(asOf); err != nil {
		return g, fmt.Errorf("sqlite: previous grading: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT account_id, tier, score FROM grading_marks WHERE territory = ? AND as_of = ?`, territory, asOf)
	if err != nil {
		return g, fmt.Errorf("sqlite: previous grading: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m domain.GradeMark
		if err := rows.Scan(&m.AccountID, &m.Tier, &m.Score); err != nil {
			return g, fmt.Errorf("sqlite: previous grading: %w", err)
		}
		g.Marks = append(g.Marks, m)
	}
	if err := rows.Err(); err != nil {
		return g, fmt.Errorf("sqlite: previous grading: %w", err)
	}
	return g, nil
}
