package teams

import (
	"encoding/json"
	"testing"

	"github.com/incumbent/incumbent/bot"
)

// TestTwoFormsInOneCard: the inputs of two forms of one card have ids of their own (an
// Adaptive Card refuses duplicates), and each form's submission reads its own.
func TestTwoFormsInOneCard(t *testing.T) {
	form := func() *bot.Form {
		return &bot.Form{Title: "Set potential", Submit: "Set", Fields: []bot.FormField{{Name: "amount", Label: "Annual potential"}}}
	}
	c := RenderCard(bot.Reply{Blocks: []bot.Block{&bot.Buttons{Buttons: []bot.Button{
		{Label: "Set potential: Masks", Command: "potential set A1 Masks", Form: form()},
		{Label: "Set potential: Gloves", Command: "potential set A1 Gloves", Form: form()},
	}}}})
	ids := map[string]bool{}
	var datas []ActionData
	for _, e := range c.Body {
		for _, a := range e.Actions {
			for _, in := range a.Card.Body {
				if ids[in.ID] {
					t.Errorf("input id %q twice", in.ID)
				}
				ids[in.ID] = true
			}
			datas = append(datas, a.Card.Actions[0].Data)
		}
	}
	if len(datas) != 2 || !ids["form_amount"] || !ids["form2_amount"] {
		t.Fatalf("inputs %v, forms %d", ids, len(datas))
	}
	for i, want := range []string{"potential set A1 Masks 10k", "potential set A1 Gloves 20k"} {
		raw := map[string]any{"form_amount": "10k", "form2_amount": "20k"}
		b, _ := json.Marshal(datas[i])
		json.Unmarshal(b, &raw)
		raw["form_amount"], raw["form2_amount"] = "10k", "20k"
		b, _ = json.Marshal(raw)
		d, ok, err := submitted(b)
		if !ok || err != nil || d.Command != want {
			t.Errorf("form %d: %q %v %v, want %q", i+1, d.Command, ok, err, want)
		}
	}
}
