package hstest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

type searchFilter struct {
	PropertyName string   `json:"propertyName"`
	Operator     string   `json:"operator"`
	Value        string   `json:"value"`
	Values       []string `json:"values"`
}

type searchRequest struct {
	FilterGroups []struct {
		Filters []searchFilter `json:"filters"`
	} `json:"filterGroups"`
	Sorts []struct {
		PropertyName string `json:"propertyName"`
		Direction    string `json:"direction"`
	} `json:"sorts"`
	Properties []string `json:"properties"`
	Limit      int      `json:"limit"`
	After      string   `json:"after"`
}

// searchLine is what Requests shows of a search: its filters and after.
func searchLine(body []byte) string {
	var req searchRequest
	if json.Unmarshal(body, &req) != nil {
		return " (unreadable)"
	}
	var groups []string
	for _, g := range req.FilterGroups {
		var fs []string
		for _, f := range g.Filters {
			v := f.Value
			if len(f.Values) > 0 {
				v = "[" + strings.Join(f.Values, ",") + "]"
			}
			fs = append(fs, f.PropertyName+" "+f.Operator+" "+v)
		}
		groups = append(groups, strings.Join(fs, " AND "))
	}
	line := ""
	if len(groups) > 0 {
		line = " " + strings.Join(groups, " OR ")
	}
	if req.After != "" {
		line += " after=" + req.After
	}
	return line
}

// search answers POST /crm/v3/objects/{type}/search; s.mu is held.
func (s *Server) search(w http.ResponseWriter, typ string, body []byte) {
	var req searchRequest
	if err := json.Unmarshal(body, &req); err != nil {
		fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON: %v", err)
		return
	}
	limitText := ""
	if req.Limit != 0 {
		limitText = strconv.Itoa(req.Limit)
	}
	off, n, ok := s.window(w, limitText, req.After, 200)
	if !ok {
		return
	}
	if off >= s.SearchLimit {
		fail(w, http.StatusBadRequest, "VALIDATION_ERROR",
			"Search results are limited to %d: after must be below it", s.SearchLimit)
		return
	}
	var hits []*record
	for _, r := range s.sorted(typ, false) {
		if matches(r, req) {
			hits = append(hits, r)
		}
	}
	if len(req.Sorts) > 0 {
		prop, desc := req.Sorts[0].PropertyName, req.Sorts[0].Direction == "DESCENDING"
		slices.SortStableFunc(hits, func(a, b *record) int {
			c := compareValues(prop, a.props[prop], b.props[prop])
			if desc {
				c = -c
			}
			return cmp.Or(c, compareIDs(a.id, b.id))
		})
	}
	end := min(off+n, len(hits), s.SearchLimit)
	results := []any{}
	for _, r := range hits[min(off, end):end] {
		results = append(results, s.objectJSON(typ, r, req.Properties, false))
	}
	out := map[string]any{"total": len(hits), "results": results}
	if end < len(hits) {
		next := strconv.Itoa(end)
		out["paging"] = map[string]any{"next": map[string]string{"after": next, "link": "?after=" + next}}
	}
	writeJSON(w, http.StatusOK, out)
}

// matches says whether a record meets any filter group (all of one group's filters).
func matches(r *record, req searchRequest) bool {
	if len(req.FilterGroups) == 0 {
		return true
	}
	for _, g := range req.FilterGroups {
		all := true
		for _, f := range g.Filters {
			all = all && meets(r.props, f)
		}
		if all {
			return true
		}
	}
	return false
}

func meets(props map[string]string, f searchFilter) bool {
	v, has := props[f.PropertyName]
	has = has && v != ""
	switch f.Operator {
	case "HAS_PROPERTY":
		return has
	case "NOT_HAS_PROPERTY":
		return !has
	case "IN":
		return has && slices.ContainsFunc(f.Values, func(x string) bool { return compareValues(f.PropertyName, v, x) == 0 })
	case "NOT_IN":
		return !has || !slices.ContainsFunc(f.Values, func(x string) bool { return compareValues(f.PropertyName, v, x) == 0 })
	}
	if !has {
		return f.Operator == "NEQ"
	}
	c := compareValues(f.PropertyName, v, f.Value)
	switch f.Operator {
	case "EQ":
		return c == 0
	case "NEQ":
		return c != 0
	case "GT":
		return c > 0
	case "GTE":
		return c >= 0
	case "LT":
		return c < 0
	case "LTE":
		return c <= 0
	}
	return false
}

// compareValues compares two values of a property: as times for datetimes, as numbers
// when both are, else as text ignoring case.
func compareValues(prop, a, b string) int {
	if datetimes[prop] {
		ta, okA := parseTime(a)
		tb, okB := parseTime(b)
		if okA && okB {
			return cmp.Compare(ta.UnixMilli(), tb.UnixMilli())
		}
	}
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}
