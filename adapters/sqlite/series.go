package sqlite

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"sort"

	"github.com/incumbent/incumbent/domain"
)

// A series is a run of daily records (see account_facts in the schema): int32 day
// number, then float64 running totals of revenue and cost. Quantities are left out: the
// quantities of a category's different SKUs do not add up to anything, and reading a
// third fewer bytes made the market's read a third faster.
const recordSize = 4 + 2*8

// dayTotals are the sums of one day.
type dayTotals struct {
	day           int64
	revenue, cost float64
}

// encodeSeries turns days (sorted by day, one record per day) into a series.
func encodeSeries(days []dayTotals) []byte {
	out := make([]byte, len(days)*recordSize)
	var rev, cost float64
	for i, d := range days {
		rev, cost = rev+d.revenue, cost+d.cost
		r := out[i*recordSize:]
		binary.LittleEndian.PutUint32(r, uint32(int32(d.day)))
		binary.LittleEndian.PutUint64(r[4:], math.Float64bits(rev))
		binary.LittleEndian.PutUint64(r[12:], math.Float64bits(cost))
	}
	return out
}

// seriesDay returns the day of record i.
func seriesDay(s []byte, i int) int64 {
	return int64(int32(binary.LittleEndian.Uint32(s[i*recordSize:])))
}

// upTo returns how many records have a day ≤ day, and their running totals.
func upTo(s []byte, day int64) (n int, rev, cost float64) {
	n = sort.Search(len(s)/recordSize, func(i int) bool { return seriesDay(s, i) > day })
	if n == 0 {
		return 0, 0, 0
	}
	r := s[(n-1)*recordSize:]
	return n, math.Float64frombits(binary.LittleEndian.Uint64(r[4:])),
		math.Float64frombits(binary.LittleEndian.Uint64(r[12:]))
}

// periodTotals appends to out the totals of series s for each period with a record in
// it.
func periodTotals(out []domain.SalesTotal, account, key string, s []byte, periods [][2]int64) []domain.SalesTotal {
	for i, p := range periods {
		n0, r0, c0 := upTo(s, p[0])
		n1, r1, c1 := upTo(s, p[1])
		if n1 > n0 {
			out = append(out, domain.SalesTotal{AccountID: account, Key: key, Period: i,
				Revenue: r1 - r0, Cost: c1 - c0})
		}
	}
	return out
}

func dayRanges(periods []domain.Period) [][2]int64 {
	out := make([][2]int64, len(periods))
	for i, p := range periods {
		out[i] = [2]int64{domain.DayNumber(p.After), domain.DayNumber(p.Through)}
	}
	return out
}

// encodeFacts writes one account's facts: per category (sorted), the category, a flag
// byte (1: has a potential), the potential, the competitor, the open pipeline and its
// weighted value, and the series. Strings are a uint16 length and the bytes.
func encodeFacts(sales map[string][]dayTotals, other map[string]*categoryFacts) []byte {
	cats := make([]string, 0, len(sales)+len(other))
	for c := range sales {
		cats = append(cats, c)
	}
	for c := range other {
		if _, ok := sales[c]; !ok {
			cats = append(cats, c)
		}
	}
	slices.Sort(cats)
	var buf []byte
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(cats)))
	for _, c := range cats {
		f := other[c]
		if f == nil {
			f = &categoryFacts{}
		}
		buf = appendString(buf, c)
		var flags byte
		if f.hasPotential {
			flags = 1
		}
		buf = append(buf, flags)
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f.potential))
		buf = appendString(buf, f.competitor)
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f.pipeline))
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f.weighted))
		series := encodeSeries(mergeDays(sales[c]))
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(series)/recordSize))
		buf = append(buf, series...)
	}
	return buf
}

func appendString(buf []byte, s string) []byte {
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(s)))
	return append(buf, s...)
}

// decodeFacts reads one account's facts, summing its sales over the periods.
func decodeFacts(accountID string, b []byte, periods [][2]int64, names map[string]string) (domain.GapFacts, error) {
	f := domain.GapFacts{AccountID: accountID}
	r := factsReader{b: b, names: names}
	n := int(r.uint16())
	for range n {
		cat := r.string()
		flags := r.byte()
		potential := r.float()
		competitor := r.string()
		pipeline, weighted := r.float(), r.float()
		series := r.bytes(int(r.uint32()) * recordSize)
		if r.err != nil {
			return f, r.err
		}
		if flags&1 != 0 {
			f.Potentials = append(f.Potentials, domain.Potential{AccountID: accountID, Category: cat,
				AnnualPotential: potential, Competitor: competitor})
		}
		if pipeline != 0 || weighted != 0 {
			f.Pipelines = append(f.Pipelines, domain.Pipeline{AccountID: accountID, Category: cat,
				Value: pipeline, Weighted: weighted})
		}
		f.Sales = periodTotals(f.Sales, accountID, cat, series, periods)
	}
	return f, r.err
}

// factsReader reads the encoding of encodeFacts, remembering the first overrun.
// Strings (categories and competitors, a few dozen distinct ones) are interned in
// names, so that reading a market does not allocate one per account and category.
type factsReader struct {
	b     []byte
	err   error
	names map[string]string
}

func (r *factsReader) bytes(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.err = errors.New("account facts are truncated")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *factsReader) byte() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *factsReader) uint16() uint16 {
	if b := r.bytes(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *factsReader) uint32() uint32 {
	if b := r.bytes(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *factsReader) float() float64 {
	if b := r.bytes(8); b != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	return 0
}

func (r *factsReader) string() string {
	b := r.bytes(int(r.uint16()))
	if s, ok := r.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if r.names != nil {
		r.names[s] = s
	}
	return s
}
