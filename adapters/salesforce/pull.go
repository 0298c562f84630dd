package salesforce

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// lineItemChunk is how many opportunity ids one REST line-item query names.
const lineItemChunk = 200

// row is one record as text by queried field ("Owner.Email"); "" for null.
type row map[string]string

// Pull reads the org: every account, user and opportunity when since is zero, else those
// whose SystemModstamp is after since, with the ids of deleted accounts and
// opportunities (all of them on a full pull: the engine deletes what it holds).
func (c *Client) Pull(ctx context.Context, since time.Time) (domain.CRMPull, error) {
	s, err := c.open(ctx)
	if err != nil {
		return domain.CRMPull{}, err
	}
	pull := domain.CRMPull{Full: since.IsZero()}
	filter := ""
	if !pull.Full {
		// A SOQL datetime literal, unquoted, in UTC.
		filter = "SystemModstamp > " + since.UTC().Format("2006-01-02T15:04:05Z")
	}
	var through time.Time
	seen := func(r row) {
		if t, ok := parseStamp(r["SystemModstamp"]); ok && t.After(through) {
			through = t
		} else if !ok && r["SystemModstamp"] != "" {
			c.logf("salesforce: unreadable SystemModstamp %q", r["SystemModstamp"])
		}
	}

	accounts, err := s.read("Account", c.accountFields(), filter)
	if err != nil {
		return domain.CRMPull{}, err
	}
	for _, r := range accounts {
		seen(r)
		pull.Accounts = append(pull.Accounts, c.account2(r))
	}

	users, err := s.read("User", c.userFields(), filter)
	if err != nil {
		return domain.CRMPull{}, err
	}
	for _, r := range users {
		seen(r)
		pull.People = append(pull.People, domain.CRMPerson{CRMID: r["Id"], Email: r[c.user["email"]], Name: r[c.user["name"]]})
	}

	opps, err := s.read("Opportunity", c.opportunityFields(), filter)
	if err != nil {
		return domain.CRMPull{}, err
	}
	for _, r := range opps {
		seen(r)
		pull.Opportunities = append(pull.Opportunities, c.opportunity(r))
	}
	if c.cfg.CategoryField == "" && len(pull.Opportunities) > 0 {
		ids := make([]string, len(pull.Opportunities))
		for i, o := range pull.Opportunities {
			ids[i] = o.CRMID
		}
		cats, err := s.categories(ids)
		if err != nil {
			return domain.CRMPull{}, err
		}
		for i := range pull.Opportunities {
			pull.Opportunities[i].Category = cats[pull.Opportunities[i].CRMID]
		}
	}

	for _, obj := range []string{"Account", "Opportunity"} {
		deleted, err := s.deleted(obj, filter)
		if err != nil {
			return domain.CRMPull{}, err
		}
		for _, r := range deleted {
			seen(r)
			if obj == "Account" {
				pull.DeletedAccounts = append(pull.DeletedAccounts, r["Id"])
			} else {
				pull.DeletedOpportunities = append(pull.DeletedOpportunities, r["Id"])
			}
		}
	}

	pull.Through = through
	pull.Calls = s.t.requests()
	c.logf("salesforce: pulled %d accounts, %d users, %d opportunities, %d deleted accounts, %d deleted opportunities (full %t) in %d requests; Sforce-Limit-Info %s",
		len(pull.Accounts), len(pull.People), len(pull.Opportunities), len(pull.DeletedAccounts), len(pull.DeletedOpportunities), pull.Full, pull.Calls, s.t.limit())
	return pull, nil
}

// fields returns the distinct non-empty fields, in order.
func fields(fs ...string) []string {
	var out []string
	for _, f := range fs {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func (c *Client) accountFields() []string {
	a := c.account
	return fields("Id", "SystemModstamp", "OwnerId", a["account_id"], a["name"], a["owner"], a["territory"], a["industry"], a["employees"])
}

func (c *Client) userFields() []string {
	return fields("Id", "SystemModstamp", c.user["email"], c.user["name"])
}

func (c *Client) opportunityFields() []string {
	o := c.opp
	return fields("Id", "SystemModstamp", "OwnerId", "IsClosed", "IsWon", o["name"], o["value"], o["stage"], o["probability"],
		o["close_date"], o["account"], o["account_id"], c.cfg.CategoryField)
}

func (c *Client) account2(r row) domain.CRMAccount {
	a := c.account
	acct := domain.CRMAccount{
		CRMID:      r["Id"],
		AccountID:  r[a["account_id"]],
		Name:       r[a["name"]],
		OwnerCRMID: r["OwnerId"],
		OwnerEmail: r[a["owner"]],
		Industry:   r[a["industry"]],
		Employees:  number(r[a["employees"]]),
	}
	if acct.AccountID == "" {
		acct.AccountID = acct.CRMID
	}
	if a["territory"] != "" {
		acct.Territory = r[a["territory"]]
	}
	return acct
}

func (c *Client) opportunity(r row) domain.CRMOpportunity {
	o := c.opp
	opp := domain.CRMOpportunity{
		CRMID:        r["Id"],
		AccountCRMID: r[o["account"]],
		AccountID:    r[o["account_id"]],
		Name:         r[o["name"]],
		Amount:       number(r[o["value"]]),
		Stage:        r[o["stage"]],
		CloseDate:    r[o["close_date"]],
	}
	switch {
	case r["IsWon"] == "true":
		opp.Stage = "won"
	case r["IsClosed"] == "true":
		opp.Stage = "lost"
	}
	if p := r[o["probability"]]; p != "" {
		if f, err := strconv.ParseFloat(p, 64); err == nil {
			opp.Probability = strconv.FormatFloat(f/100, 'f', -1, 64)
		} else {
			opp.Probability = p // let the import refuse it
		}
	}
	if c.cfg.CategoryField != "" {
		opp.Category = r[c.cfg.CategoryField]
	}
	return opp
}

// number normalizes a numeric text ("250.0" → "250"); other text is kept for the
// import to refuse.
func number(s string) string {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

// parseStamp reads a SystemModstamp as REST ("2026-12-01T10:00:00.000+0000") or Bulk
// ("2026-12-01T10:00:00.000Z") gives it.
func parseStamp(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func where(conds ...string) string {
	var cs []string
	for _, c := range conds {
		if c != "" {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(cs, " AND ")
}

// read returns object's records matching filter: through Bulk API 2.0 when a COUNT()
// finds more than the threshold, else through REST queries.
func (s *session) read(object string, fs []string, filter string) ([]row, error) {
	n, err := s.count(object, filter)
	if err != nil {
		return nil, err
	}
	soql := "SELECT " + strings.Join(fs, ", ") + " FROM " + object + where(filter)
	if n > s.c.bulkThreshold {
		s.c.logf("salesforce: reading %d %s records with Bulk API 2.0", n, object)
		return s.bulk(object, soql, fs)
	}
	return s.query(object, soql, fs)
}

func (s *session) count(object, filter string) (int, error) {
	body, err := s.get("/query/?q=" + url.QueryEscape("SELECT COUNT() FROM "+object+where(filter)))
	if err != nil {
		return 0, s.fail("count "+object, err)
	}
	var resp struct {
		TotalSize int `json:"totalSize"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return 0, s.fail("count "+object, err)
	}
	return resp.TotalSize, nil
}

// query reads through REST; the library follows nextRecordsUrl.
func (s *session) query(object, soql string, fs []string) ([]row, error) {
	var recs []map[string]any
	if err := s.sf.Query(soql, &recs); err != nil {
		return nil, s.fail("query "+object, err)
	}
	out := make([]row, len(recs))
	for i, rec := range recs {
		out[i] = flatten(rec, fs)
	}
	return out, nil
}

// flatten reads the fields of a REST record, relationships nested.
func flatten(rec map[string]any, fs []string) row {
	r := make(row, len(fs))
	for _, f := range fs {
		var v any = rec
		for part := range strings.SplitSeq(f, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = m[part]
		}
		r[f] = text(v)
	}
	return r
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

// bulk reads through a Bulk API 2.0 query job; relationship fields come back as dotted
// CSV headers, decoded into a struct type made for the field list.
func (s *session) bulk(object, soql string, fs []string) ([]row, error) {
	op := "bulk query " + object
	sfields := make([]reflect.StructField, len(fs))
	for i, f := range fs {
		sfields[i] = reflect.StructField{Name: "F" + strconv.Itoa(i), Type: reflect.TypeFor[string](), Tag: reflect.StructTag(`csv:"` + f + `"`)}
	}
	typ := reflect.StructOf(sfields)
	it, err := s.sf.QueryBulkIterator(soql)
	if err != nil {
		return nil, s.fail(op, err)
	}
	var out []row
	for it.Next() {
		page := reflect.New(reflect.SliceOf(typ))
		if err := it.Decode(page.Interface()); err != nil {
			return nil, s.fail(op, err)
		}
		for i := 0; i < page.Elem().Len(); i++ {
			v := page.Elem().Index(i)
			r := make(row, len(fs))
			for j, f := range fs {
				r[f] = v.Field(j).String()
			}
			out = append(out, r)
		}
	}
	if err := it.Error(); err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}

// deleted reads the deleted records of object through queryAll, paging itself.
func (s *session) deleted(object, filter string) ([]row, error) {
	op := "queryAll deleted " + object
	fs := []string{"Id", "SystemModstamp"}
	uri := "/queryAll/?q=" + url.QueryEscape("SELECT Id, SystemModstamp FROM "+object+where("IsDeleted = true", filter))
	var out []row
	for uri != "" {
		body, err := s.get(uri)
		if err != nil {
			return nil, s.fail(op, err)
		}
		var page struct {
			Done           bool             `json:"done"`
			NextRecordsURL string           `json:"nextRecordsUrl"`
			Records        []map[string]any `json:"records"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, s.fail(op, err)
		}
		for _, rec := range page.Records {
			out = append(out, flatten(rec, fs))
		}
		uri = ""
		if !page.Done && page.NextRecordsURL != "" {
			uri = strings.TrimPrefix(page.NextRecordsURL, "/services/data/v63.0")
		}
	}
	return out, nil
}

// categories returns, per opportunity id, the Product2.Family of its line item with
// the lowest SortOrder (nulls last, ties by Id). The Bulk API cannot export a child
// subquery, so line items are a query of their own: by id through REST, in chunks, or
// the whole object through Bulk when there are more opportunities than the threshold.
func (s *session) categories(ids []string) (map[string]string, error) {
	fs := []string{"Id", "OpportunityId", "Product2.Family", "SortOrder"}
	base := "SELECT " + strings.Join(fs, ", ") + " FROM OpportunityLineItem"
	var items []row
	if len(ids) > s.c.bulkThreshold {
		rows, err := s.bulk("OpportunityLineItem", base, fs)
		if err != nil {
			return nil, err
		}
		items = rows
	} else {
		for chunk := range slices.Chunk(ids, lineItemChunk) {
			quoted := make([]string, len(chunk))
			for i, id := range chunk {
				quoted[i] = soqlString(id)
			}
			rows, err := s.query("OpportunityLineItem", base+" WHERE OpportunityId IN ("+strings.Join(quoted, ", ")+")", fs)
			if err != nil {
				return nil, err
			}
			items = append(items, rows...)
		}
	}
	first := map[string]row{}
	for _, it := range items {
		opp := it["OpportunityId"]
		if cur, ok := first[opp]; !ok || lineItemBefore(it, cur) {
			first[opp] = it
		}
	}
	cats := make(map[string]string, len(first))
	for opp, it := range first {
		cats[opp] = it["Product2.Family"]
	}
	return cats, nil
}

// lineItemBefore orders line items by SortOrder, nulls last, then by Id.
func lineItemBefore(a, b row) bool {
	sa, errA := strconv.ParseFloat(a["SortOrder"], 64)
	sb, errB := strconv.ParseFloat(b["SortOrder"], 64)
	switch {
	case errA == nil && errB != nil:
		return true
	case errA != nil && errB == nil:
		return false
	case errA == nil && sa != sb:
		return sa < sb
	}
	return cmp.Less(a["Id"], b["Id"])
}

// soqlString quotes a SOQL string literal.
func soqlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}
