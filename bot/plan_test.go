package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// fakeCRM is a CRMWriter that records what it is asked to create.
type fakeCRM struct {
	created []domain.Opportunity
	err     error
	field   string // the field WritePotential writes
	wrote   []domain.Potential
	potErr  error
}

func (f *fakeCRM) Name() string { return domain.CRMSalesforce }
func (f *fakeCRM) CreateOpportunity(_ context.Context, o domain.Opportunity) (string, string, error) {
	if f.err != nil {
		return "", "", f.err
	}
	f.created = append(f.created, o)
	stage := o.Stage
	if stage == "" {
		stage = "Prospecting"
	}
	return "006NEW", stage, nil
}
func (f *fakeCRM) WritePotential(_ context.Context, p domain.Potential) (string, error) {
	if f.potErr != nil {
		return f.field, f.potErr
	}
	if f.field != "" {
		f.wrote = append(f.wrote, p)
	}
	return f.field, nil
}

// TestPotentialToCRM: a potential set in chat is written to the CRM field the mapping
// names for its category, and the reply says so; when the CRM does not take it, ours
// stands and the reply says what to do.
func TestPotentialToCRM(t *testing.T) {
	s := potentialStore(t)
	b := potentialBot(s)
	crm := &fakeCRM{field: "Welding_Potential__c"}
	b.CRM = crm
	admin := bot.Admin("ops")
	r := b.Handle(t.Context(), bot.Request{Actor: admin, Text: "potential set A1 Welding 6k", AsOf: potentialAsOf})
	if r.Err != nil || len(crm.wrote) != 1 || crm.wrote[0].AnnualPotential != 6000 || !strings.Contains(bot.RenderText(r), "Salesforce: written to Welding_Potential__c") {
		t.Errorf("%v %+v\n%s", r.Err, crm.wrote, bot.RenderText(r))
	}
	crm.potErr = errors.New("salesforce: server error (503)")
	r = b.Handle(t.Context(), bot.Request{Actor: admin, Text: "potential set A1 Welding 7k", AsOf: potentialAsOf})
	if r.Err != nil || !strings.Contains(bot.RenderText(r), "not written (it did not answer): it is recorded here") {
		t.Errorf("%v\n%s", r.Err, bot.RenderText(r))
	}
	ps, _ := s.FindPotentials(t.Context(), domain.ForAccount("A1"))
	for _, p := range ps {
		if p.Category == "Welding" && p.AnnualPotential != 7000 {
			t.Errorf("ours did not stand: %+v", p)
		}
	}
	crm.field, crm.potErr = "", nil
	r = b.Handle(t.Context(), bot.Request{Actor: admin, Text: "potential set A1 Fasteners 11k", AsOf: potentialAsOf})
	if out := bot.RenderText(r); r.Err != nil || strings.Contains(out, "Salesforce") {
		t.Errorf("no field mapped: nothing about the CRM: %v\n%s", r.Err, out)
	}
}

// planButton returns the gap reply's "Plan it" button of category.
func planButton(t *testing.T, r bot.Reply, category string) bot.Button {
	t.Helper()
	for _, blk := range r.Blocks {
		if bs, ok := blk.(*bot.Buttons); ok {
			for _, x := range bs.Buttons {
				if x.Label == "Plan it: "+category {
					return x
				}
			}
		}
	}
	t.Fatalf("no Plan it button for %s:\n%s", category, bot.RenderText(r))
	return bot.Button{}
}

// TestPlanIt: a gap offers "Plan it" on each category nobody plans for, the largest
// first; its form, left empty, plans the whole uncovered gap, recorded here only with
// no CRM (and said so), and the gap shows it covered at once. Typed values are read,
// bad ones refused naming the field, and a rep may not plan for another territory.
func TestPlanIt(t *testing.T) {
	s := potentialStore(t)
	b := potentialBot(s)
	rita, err := b.ActorByEmail(t.Context(), "rita@example.com")
	if err != nil {
		t.Fatal(err)
	}
	gap := b.Handle(t.Context(), bot.Request{Actor: rita, Text: "gap acme", AsOf: potentialAsOf})
	btn := planButton(t, gap, "Fasteners")
	if btn.Command != "plan A1 Fasteners" || btn.Form == nil || btn.Form.Fields[0].Placeholder != "$7,500" {
		t.Fatalf("the Fasteners button: %+v %+v", btn, btn.Form)
	}
	cmd, err := btn.Form.Command(btn.Command, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	r := b.Handle(t.Context(), bot.Request{Actor: rita, Text: cmd, AsOf: potentialAsOf})
	if r.Err != nil {
		t.Fatalf("%s: %v", cmd, r.Err)
	}
	res := r.Data.(bot.PlanResult)
	want := domain.Opportunity{ID: res.Opportunity.ID, AccountID: "A1", Category: "Fasteners", Name: "Fasteners for Acme Manufacturing",
		Value: 7500, Stage: "prospecting", CloseDate: potentialAsOf.AddDate(0, 0, 90)}
	if diff := cmp.Diff(want, res.Opportunity); diff != "" || !strings.HasPrefix(res.Opportunity.ID, "chat-") || res.CRM != "" {
		t.Errorf("planned (-want +got):\n%s\n%+v", diff, res)
	}
	if out := bot.RenderText(r); !strings.Contains(out, "Incumbent only: no CRM is configured") || res.After == nil || res.After.Uncovered != 0 {
		t.Errorf("the reply:\n%s", out)
	}
	opps, err := s.FindOpportunities(t.Context(), domain.ForAccount("A1"))
	if err != nil || len(opps) != 1 || opps[0].Value != 7500 {
		t.Errorf("stored: %+v, %v", opps, err)
	}
	gap = b.Handle(t.Context(), bot.Request{Actor: rita, Text: "gap acme", AsOf: potentialAsOf})
	if out := bot.RenderText(gap); strings.Contains(out, "Plan it: Fasteners") || !strings.Contains(out, "Plan it: Welding") {
		t.Errorf("after the plan, the gap still offers Fasteners or no longer Welding:\n%s", out)
	}

	// Typed values; the form's fields named by errors.
	for _, tc := range []struct{ text, field, msg string }{
		{`plan acme welding value 2.5k close 2027-01-31 stage "Needs analysis" name "Wire trial"`, "", ""},
		{`plan acme welding value lots`, "value", `"lots" is not an amount`},
		{`plan acme welding close 31/01/2027`, "close", "is not a date"},
		{`plan acme welding value 0`, "value", "above 0"},
		{`plan acme`, "", "Say the account and the category"},
		{`plan southern foods fasteners value 1k`, "", ""},
	} {
		r := b.Handle(t.Context(), bot.Request{Actor: rita, Text: tc.text, AsOf: potentialAsOf})
		switch {
		case tc.text == `plan southern foods fasteners value 1k`:
			if r.Err == nil {
				t.Errorf("a rep planned for another territory's account")
			}
		case tc.msg == "":
			if r.Err != nil {
				t.Errorf("%s: %v", tc.text, r.Err)
				continue
			}
			o := r.Data.(bot.PlanResult).Opportunity
			if o.Value != 2500 || o.Stage != "needs analysis" || o.Name != "Wire trial" || !o.CloseDate.Equal(time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("%s: %+v", tc.text, o)
			}
		default:
			if r.Err == nil || !strings.Contains(domain.ErrorMessage(r.Err), tc.msg) || bot.ErrorField(r.Err) != tc.field {
				t.Errorf("%s: %v (field %q)", tc.text, r.Err, bot.ErrorField(r.Err))
			}
		}
	}
}

// TestPlanInCRM: with a CRM configured, the plan is created there first and recorded
// here under the CRM's id and stage; a CRM that refuses leaves nothing recorded.
func TestPlanInCRM(t *testing.T) {
	s := potentialStore(t)
	b := potentialBot(s)
	crm := &fakeCRM{}
	b.CRM = crm
	admin := bot.Admin("ops")
	r := b.Handle(t.Context(), bot.Request{Actor: admin, Text: "plan A1 Welding", AsOf: potentialAsOf})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	res := r.Data.(bot.PlanResult)
	if res.CRM != domain.CRMSalesforce || res.Opportunity.ID != "006NEW" || res.Opportunity.Stage != "prospecting" || len(crm.created) != 1 || crm.created[0].Value != 4000 {
		t.Errorf("planned %+v; the CRM got %+v", res, crm.created)
	}
	if out := bot.RenderText(r); !strings.Contains(out, "Salesforce (006NEW) and Incumbent") {
		t.Errorf("the reply:\n%s", out)
	}
	crm.err = errors.New("salesforce: server error (503) after 6 tries")
	v0, _ := s.DataVersion(t.Context())
	r = b.Handle(t.Context(), bot.Request{Actor: admin, Text: "plan A1 Fasteners", AsOf: potentialAsOf})
	v, _ := s.DataVersion(t.Context())
	if !errors.Is(r.Err, crm.err) || v != v0 || !strings.Contains(bot.ErrorText(r.Err), "Salesforce did not take the plan, so nothing was recorded") {
		t.Errorf("a refused CRM write: %v (%q); version %d→%d", r.Err, bot.ErrorText(r.Err), v0, v)
	}
}
