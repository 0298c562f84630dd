package teams_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/adapters/web"
)

// TestChartCard: `gap acme` in a chat with the bot comes back as a card whose chart is
// an Image element with a data URI: a valid PNG within 1 MB and 1024×1024 pixels, and
// the message within Teams' size with the image left out of the count.
func TestChartCard(t *testing.T) {
	f := newFixture(t, 0)
	if code, _ := f.post(t, f.activity("message", "1800", "29:nora", "gap acme"), ""); code != 200 {
		t.Fatalf("status %d", code)
	}
	got := f.bf.WaitActivities(t, 1, 10*time.Second)[0]
	raw, _ := json.Marshal(got.Body)
	var a teams.Activity
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	cb, _ := json.Marshal(a.Attachments[0].Content)
	var card struct {
		Body []struct{ Type, URL, AltText string }
	}
	if err := json.Unmarshal(cb, &card); err != nil {
		t.Fatal(err)
	}
	images := 0
	for _, e := range card.Body {
		if e.Type != "Image" {
			continue
		}
		images++
		data, ok := strings.CutPrefix(e.URL, "data:image/png;base64,")
		if !ok {
			t.Fatalf("image URL %.60q: want a PNG data URI", e.URL)
		}
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil || len(b) > teams.MaxImageBytes || cfg.Width > teams.MaxImagePixels || cfg.Height > teams.MaxImagePixels {
			t.Errorf("image: %d bytes, %d×%d, %v", len(b), cfg.Width, cfg.Height, err)
		}
		if !strings.HasPrefix(e.AltText, "Current vs potential by category in Acme Manufacturing") {
			t.Errorf("alt text %q", e.AltText)
		}
	}
	if images != 1 {
		t.Errorf("%d images in the card, want the chart", images)
	}
	if n := teams.MessageSize(&a); n > teams.MaxMessage {
		t.Errorf("message of %d bytes as Teams counts it, over %d", n, teams.MaxMessage)
	}
}

// TestChartCardLink: with signed links at an https address, the card's image is the
// chart's link, not its PNG.
func TestChartCardLink(t *testing.T) {
	f := newFixture(t, 0)
	public, _ := url.Parse("https://incumbent.example")
	f.h.ChartLinks = &web.ChartLinks{Store: &memory.Store{}, Key: []byte("chart key"), Base: public}
	if code, _ := f.post(t, f.activity("message", "1801", "29:nora", "gap acme"), ""); code != 200 {
		t.Fatalf("status %d", code)
	}
	got := f.bf.WaitActivities(t, 1, 10*time.Second)[0]
	raw, _ := json.Marshal(got.Body)
	if !strings.Contains(string(raw), `"url":"https://incumbent.example/charts/`) || strings.Contains(string(raw), "data:image/png") {
		t.Errorf("card: %.3000s", raw)
	}
}
