package hubspot

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// searchCap is the most records one search reaches through its pages.
const searchCap = 10000

// searcher reads what changed in a date range through the search endpoint, splitting a
// range that holds more than a search reaches.
type searcher struct {
	o     *op
	typ   string
	props []string
	cap   int // searchCap, lowered when a search is seen to stop short
	out   []object
}

type filter struct {
	PropertyName string `json:"propertyName"`
	Operator     string `json:"operator"`
	Value        string `json:"value"`
}

type searchBody struct {
	FilterGroups []struct {
		Filters []filter `json:"filters"`
	} `json:"filterGroups"`
	Sorts      []searchSort `json:"sorts"`
	Properties []string     `json:"properties"`
	Limit      int          `json:"limit"`
	After      string       `json:"after,omitempty"`
}

type searchSort struct {
	PropertyName string `json:"propertyName"`
	Direction    string `json:"direction"`
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// page asks for one page of the records modified in [lo, hi) (hi zero: no end).
func (s *searcher) page(ctx context.Context, lo, hi time.Time, dir string, limit int, after string) (page, error) {
	fs := []filter{{propModified, "GTE", ms(lo)}}
	if !hi.IsZero() {
		fs = append(fs, filter{propModified, "LT", ms(hi)})
	}
	body := searchBody{Sorts: []searchSort{{propModified, dir}}, Properties: s.props, Limit: limit, After: after}
	body.FilterGroups = append(body.FilterGroups, struct {
		Filters []filter `json:"filters"`
	}{fs})
	var p page
	err := s.o.do(ctx, "POST", "/crm/v3/objects/"+s.typ+"/search", nil, body, &p, idempotent)
	return p, err
}

// run appends to s.out the records modified in [lo, hi) (hi zero: no end), each once.
func (s *searcher) run(ctx context.Context, lo, hi time.Time) error {
	p, err := s.page(ctx, lo, hi, "ASCENDING", pageSize, "")
	if err != nil {
		return err
	}
	total := p.Total
	if total > s.cap {
		return s.split(ctx, lo, hi, total)
	}
	got := p.Results
	for p.Paging.Next.After != "" && len(p.Results) > 0 {
		after := p.Paging.Next.After
		p, err = s.page(ctx, lo, hi, "ASCENDING", pageSize, after)
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusBadRequest && len(got) < total {
			break // paged past what a search reaches: split below
		}
		if err != nil {
			return err
		}
		got = append(got, p.Results...)
	}
	if len(got) < total && len(got) > 0 {
		// The search stopped short of its total: it reaches no further.
		s.cap = min(s.cap, len(got))
		return s.split(ctx, lo, hi, total)
	}
	s.out = append(s.out, got...)
	return nil
}

// split halves [lo, hi) by date and searches each half. A range of one millisecond that
// still holds too many is read by listing every record instead.
func (s *searcher) split(ctx context.Context, lo, hi time.Time, total int) error {
	if hi.IsZero() {
		// The end is just after the newest record in range.
		p, err := s.page(ctx, lo, time.Time{}, "DESCENDING", 1, "")
		if err != nil {
			return err
		}
		if len(p.Results) == 0 {
			return nil
		}
		hi = p.Results[0].modified().Truncate(time.Millisecond).Add(time.Millisecond)
	}
	width := hi.Sub(lo)
	if width <= time.Millisecond {
		s.o.c.logf("hubspot: %d %s modified in the millisecond %s: reading them from the full list", total, s.typ, lo.Format(time.RFC3339Nano))
		all, err := s.o.list(ctx, s.typ, s.props, "", false)
		if err != nil {
			return err
		}
		for _, ob := range all {
			if m := ob.modified(); !m.Before(lo) && m.Before(hi) {
				s.out = append(s.out, ob)
			}
		}
		return nil
	}
	mid := lo.Add(width / 2).Truncate(time.Millisecond)
	if !mid.After(lo) {
		mid = lo.Add(time.Millisecond)
	}
	if err := s.run(ctx, lo, mid); err != nil {
		return err
	}
	return s.run(ctx, mid, hi)
}

// search reads the records of a type modified since a time, each once, oldest first.
func (o *op) search(ctx context.Context, typ string, props []string, since time.Time) ([]object, error) {
	s := &searcher{o: o, typ: typ, props: props, cap: searchCap}
	if err := s.run(ctx, since.Truncate(time.Millisecond), time.Time{}); err != nil {
		return nil, err
	}
	return dedupe(s.out), nil
}

// dedupe keeps each id's last occurrence (a record modified during the pull can turn up
// in two ranges), in the order of first occurrence.
func dedupe(obs []object) []object {
	at := make(map[text]int, len(obs))
	out := obs[:0:0]
	for _, ob := range obs {
		if i, ok := at[ob.ID]; ok {
			out[i] = ob
			continue
		}
		at[ob.ID] = len(out)
		out = append(out, ob)
	}
	return out
}
