package sqlite

import (
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"modernc.org/sqlite"
)

// tailFold is the most lines an account's tail keeps (see facts_tail in the schema):
// an import that would make it longer writes the account's facts and grade facts with
// them instead, so a read never continues more than a few weeks of a busy account.
var tailFold = 256

// tailLine is a sales line kept in an account's tail: an addedLine with its category.
type tailLine struct {
	addedLine
	category string
}

// encodeTail returns the lines column of facts_tail for lines (in read-index order).
func encodeTail(lines []tailLine) []byte {
	out := binary.LittleEndian.AppendUint32(make([]byte, 0, 4+len(lines)*40), uint32(len(lines)))
	for _, l := range lines {
		out = appendString(out, l.category)
		out = binary.LittleEndian.AppendUint32(out, uint32(int32(l.product)))
		out = binary.LittleEndian.AppendUint32(out, uint32(int32(l.day)))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(l.amount))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(l.cost))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(l.quantity))
	}
	return out
}

// decodeTail reads the lines column of facts_tail; names interns the categories.
func decodeTail(b []byte, names map[string]string) ([]tailLine, error) {
	r := factsReader{b: b, names: names}
	n := int(r.uint32())
	if r.err != nil || n > len(b)/34 {
		return nil, errors.New("truncated facts tail")
	}
	lines := make([]tailLine, n)
	for i := range lines {
		l := &lines[i]
		l.category = r.string()
		l.product = int64(int32(r.uint32()))
		l.day = int64(int32(r.uint32()))
		l.amount, l.cost, l.quantity = r.float(), r.float(), r.float()
	}
	if r.err != nil {
		return nil, errors.New("truncated facts tail")
	}
	return lines, nil
}

// factsWithTail returns an account's facts continued with its tail's lines: the bytes
// a rebuild writes. A nil tail returns facts as they are.
func factsWithTail(facts, tail []byte, names map[string]string) ([]byte, error) {
	if tail == nil {
		return facts, nil
	}
	lines, err := decodeTail(tail, names)
	if err != nil {
		return nil, err
	}
	byCategory := map[string][]dayTotals{}
	for _, l := range lines {
		byCategory[l.category] = append(byCategory[l.category], dayTotals{l.day, l.amount, l.cost})
	}
	return continueFacts(facts, byCategory)
}

// gradeWithTail returns an account's grade facts continued with its tail: the sales
// series with the tail's lines, the commitments as the tail has them.
func gradeWithTail(grade, tail, commitments []byte) ([]byte, error) {
	if tail == nil {
		return grade, nil
	}
	lines, err := decodeTail(tail, nil)
	if err != nil {
		return nil, err
	}
	g, err := splitGrade(grade)
	if err != nil {
		return nil, err
	}
	all := make([]dayTotals, len(lines))
	for i, l := range lines {
		all[i] = dayTotals{l.day, l.amount, l.cost}
	}
	g.series = continueSeries(g.series, mergeDays(all))
	g.commitments = commitments
	return g.encode(), nil
}

// The SQL functions incumbent_facts(facts, tail) and incumbent_grade_facts(grade, tail,
// commitments) give the blobs a reader sees (factsWithTail, gradeWithTail), for checks
// that compare read models in SQL.
func init() {
	blob := func(v driver.Value) []byte { b, _ := v.([]byte); return b }
	sqlite.MustRegisterDeterministicScalarFunction("incumbent_facts", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		return factsWithTail(blob(args[0]), blob(args[1]), nil)
	})
	sqlite.MustRegisterDeterministicScalarFunction("incumbent_grade_facts", 3, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		return gradeWithTail(blob(args[0]), blob(args[1]), blob(args[2]))
	})
}

// sortTail sorts lines in the read index's order.
func sortTail(lines []tailLine) {
	slices.SortFunc(lines, func(a, b tailLine) int { return compareLines(a.addedLine, b.addedLine) })
}
