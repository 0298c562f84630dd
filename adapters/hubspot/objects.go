package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// pageSize is the limit of a list or search page (lists allow 100, searches 200).
const pageSize = 100

// text is a JSON value read as text: a string as is, null as "", a number or boolean as
// written. HubSpot sends property values as strings, ids sometimes as numbers.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	default:
		*t = text(b)
	}
	return nil
}

// object is a CRM record of a list or search answer.
type object struct {
	ID           text            `json:"id"`
	Properties   map[string]text `json:"properties"`
	UpdatedAt    string          `json:"updatedAt"`
	Archived     bool            `json:"archived"`
	ArchivedAt   string          `json:"archivedAt"`
	Associations map[string]struct {
		Results []struct {
			ID   text   `json:"id"`
			Type string `json:"type"`
		} `json:"results"`
	} `json:"associations"`
}

func (ob object) prop(name string) string {
	if name == "" {
		return ""
	}
	return string(ob.Properties[name])
}

// modified is hs_lastmodifieddate (else updatedAt); zero when neither reads.
func (ob object) modified() time.Time {
	if t, ok := parseTime(ob.prop(propModified)); ok {
		return t
	}
	t, _ := parseTime(ob.UpdatedAt)
	return t
}

// company is the first associated company of a deal listed with associations=companies,
// the primary one ("deal_to_company") when it is marked.
func (ob object) company() string {
	res := ob.Associations["companies"].Results
	for _, r := range res {
		if r.Type == "deal_to_company" {
			return string(r.ID)
		}
	}
	if len(res) > 0 {
		return string(res[0].ID)
	}
	return ""
}

// parseTime reads HubSpot's ISO 8601 datetimes and millisecond epochs.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), true
	}
	return time.Time{}, false
}

// dateOnly turns a close date into YYYY-MM-DD (its UTC date); text it cannot read is
// passed on as is, for the sync's own check to refuse.
func dateOnly(s string) string {
	s = strings.TrimSpace(s)
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return s
	}
	if t, ok := parseTime(s); ok {
		return t.Format(time.DateOnly)
	}
	return s
}

type page struct {
	Total   int      `json:"total"`
	Results []object `json:"results"`
	Paging  struct {
		Next struct {
			After string `json:"after"`
		} `json:"next"`
	} `json:"paging"`
}

// list reads every record of a type (companies, deals) with after-paging: the archived
// ones when archived is set.
func (o *op) list(ctx context.Context, typ string, props []string, assoc string, archived bool) ([]object, error) {
	var out []object
	after := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(pageSize)}}
		if len(props) > 0 {
			q.Set("properties", strings.Join(props, ","))
		}
		if assoc != "" {
			q.Set("associations", assoc)
		}
		if archived {
			q.Set("archived", "true")
		}
		if after != "" {
			q.Set("after", after)
		}
		var p page
		if err := o.do(ctx, "GET", "/crm/v3/objects/"+typ, q, nil, &p, idempotent); err != nil {
			return nil, err
		}
		out = append(out, p.Results...)
		next := p.Paging.Next.After
		if next == "" || len(p.Results) == 0 {
			return out, nil
		}
		if next == after {
			return nil, fmt.Errorf("hubspot: GET /crm/v3/objects/%s: the page after %q points at itself", typ, after)
		}
		after = next
	}
}

// owner reads the owners (GET /crm/v3/owners), each as its fields' text.
func (o *op) owners(ctx context.Context) ([]map[string]text, error) {
	var out []map[string]text
	after := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(pageSize)}}
		if after != "" {
			q.Set("after", after)
		}
		var p struct {
			Results []map[string]text `json:"results"`
			Paging  struct {
				Next struct {
					After string `json:"after"`
				} `json:"next"`
			} `json:"paging"`
		}
		if err := o.do(ctx, "GET", "/crm/v3/owners", q, nil, &p, idempotent); err != nil {
			return nil, err
		}
		out = append(out, p.Results...)
		next := p.Paging.Next.After
		if next == "" || next == after || len(p.Results) == 0 {
			return out, nil
		}
		after = next
	}
}

// associations reads the company of each deal (the primary one, else the first) with the
// v4 batch read, 100 deals a request.
func (o *op) associations(ctx context.Context, dealIDs []string) (map[string]string, error) {
	const batch = 100
	out := make(map[string]string, len(dealIDs))
	for start := 0; start < len(dealIDs); start += batch {
		type id struct {
			ID string `json:"id"`
		}
		var in struct {
			Inputs []id `json:"inputs"`
		}
		for _, d := range dealIDs[start:min(start+batch, len(dealIDs))] {
			in.Inputs = append(in.Inputs, id{d})
		}
		var resp struct {
			Results []struct {
				From struct {
					ID text `json:"id"`
				} `json:"from"`
				To []struct {
					ToObjectID       text `json:"toObjectId"`
					AssociationTypes []struct {
						Category string `json:"category"`
						TypeID   int    `json:"typeId"`
					} `json:"associationTypes"`
				} `json:"to"`
			} `json:"results"`
		}
		if err := o.do(ctx, "POST", "/crm/v4/associations/deals/companies/batch/read", nil, in, &resp, idempotent); err != nil {
			return nil, err
		}
		for _, r := range resp.Results {
			for i, to := range r.To {
				primary := false
				for _, t := range to.AssociationTypes {
					primary = primary || t.Category == "HUBSPOT_DEFINED" && t.TypeID == typeDealToPrimaryCompany
				}
				if i == 0 || primary {
					out[string(r.From.ID)] = string(to.ToObjectID)
				}
				if primary {
					break
				}
			}
		}
	}
	return out, nil
}

// typeDealToPrimaryCompany is HubSpot's association type of a deal's primary company.
const typeDealToPrimaryCompany = 5
