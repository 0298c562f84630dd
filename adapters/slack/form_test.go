package slack_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/domain"
)

// TestFormModal presses the gap's "Set potential" button: it opens a modal with the
// form's fields; values the form or the grammar refuse are shown under their fields and
// nothing is written; good values set the potential as the person who submitted them,
// close the modal and post the reply in the channel for them alone.
func TestFormModal(t *testing.T) {
	_, f, base, b := setupBot(t)
	_, resp := signed(t, base, "/slack/commands", form, command("/gap", "acme", "U_RITA", "C1", ""), time.Now(), secret)
	var msg struct {
		Blocks []struct {
			Type     string `json:"type"`
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(resp), &msg); err != nil {
		t.Fatalf("%v: %s", err, resp)
	}
	var actionID, value string
	for _, blk := range msg.Blocks {
		for _, e := range blk.Elements {
			if strings.HasPrefix(e.ActionID, "form-") && strings.Contains(e.Value, `"command":"potential set`) {
				actionID, value = e.ActionID, e.Value
			}
		}
	}
	if actionID == "" || !strings.Contains(value, `"command":"potential set A1 Gloves"`) {
		t.Fatalf("no Set potential button in the gap: %s", resp)
	}

	press := fmt.Sprintf(`{"type":"block_actions","user":{"id":"U_RITA"},"trigger_id":"trig-7","channel":{"id":"C1"},"container":{"type":"message","channel_id":"C1","thread_ts":"1700000000.000100"},"actions":[{"action_id":%q,"block_id":"b","type":"button","value":%q}]}`, actionID, value)
	if code, _ := signed(t, base, "/slack/interactions", form, interaction(press), time.Now(), secret); code != 200 {
		t.Fatalf("press: %d", code)
	}
	c := f.wait("views.open")
	var open struct {
		Trigger string `json:"trigger_id"`
		View    struct {
			CallbackID      string `json:"callback_id"`
			PrivateMetadata string `json:"private_metadata"`
			Blocks          []struct {
				Type    string `json:"type"`
				BlockID string `json:"block_id"`
			} `json:"blocks"`
		} `json:"view"`
	}
	raw, _ := json.Marshal(c.JSON)
	json.Unmarshal(raw, &open)
	var inputs []string
	for _, blk := range open.View.Blocks {
		if blk.Type == "input" {
			inputs = append(inputs, blk.BlockID)
		}
	}
	if open.Trigger != "trig-7" || open.View.CallbackID != "form" || strings.Join(inputs, ",") != "amount,competitor,note" ||
		!strings.Contains(open.View.PrivateMetadata, `"channel":"C1"`) {
		t.Fatalf("views.open: %s", raw)
	}

	submit := func(values map[string]string) (int, string) {
		t.Helper()
		state := map[string]map[string]map[string]any{}
		for k, v := range values {
			state[k] = map[string]map[string]any{k: {"type": "plain_text_input", "value": v}}
		}
		st, _ := json.Marshal(map[string]any{"values": state})
		p := fmt.Sprintf(`{"type":"view_submission","user":{"id":"U_RITA"},"view":{"id":"V9","callback_id":"form","private_metadata":%q,"state":%s}}`,
			open.View.PrivateMetadata, st)
		return signed(t, base, "/slack/interactions", form, interaction(p), time.Now(), secret)
	}
	potentials := func() []domain.Potential {
		ps, err := b.Store.FindPotentials(t.Context(), domain.ForAccount("A1"))
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	before := potentials()
	for _, tt := range []struct {
		values     map[string]string
		field, msg string
	}{
		{map[string]string{"amount": ""}, "amount", "Fill in annual potential."},
		{map[string]string{"amount": "lots"}, "amount", `\"lots\" is not an amount`},
		{map[string]string{"amount": "5k", "note": strings.Repeat("x", 501)}, "note", "Note is 501 characters long; at most 500."},
	} {
		code, resp := submit(tt.values)
		var r struct {
			Action string            `json:"response_action"`
			Errors map[string]string `json:"errors"`
		}
		json.Unmarshal([]byte(resp), &r)
		if code != 200 || r.Action != "errors" || len(r.Errors) != 1 || !strings.Contains(resp, tt.msg) || r.Errors[tt.field] == "" {
			t.Errorf("%v: %d %s", tt.values, code, resp)
		}
	}
	if got := potentials(); len(got) != len(before) {
		t.Fatalf("a refused form wrote: %+v", got)
	}
	if code, resp := submit(map[string]string{"amount": "15k", "competitor": "Uline", "note": ""}); code != 200 || resp != "" {
		t.Fatalf("good values: %d %q", code, resp)
	}
	c = f.wait("chat.postEphemeral")
	if c.Form.Get("channel") != "C1" || c.Form.Get("user") != "U_RITA" || c.Form.Get("thread_ts") != "1700000000.000100" ||
		!strings.Contains(c.Form.Get("blocks"), "Potential set") || !strings.Contains(c.Form.Get("blocks"), "$15,000") {
		t.Errorf("the reply: %v", c.Form)
	}
	var set *domain.Potential
	for _, p := range potentials() {
		if p.Category == "Gloves" {
			set = &p
		}
	}
	if set == nil || set.AnnualPotential != 15000 || set.Competitor != "Uline" || set.SetBy != "rita@example.com" {
		t.Errorf("recorded: %+v", set)
	}
}
