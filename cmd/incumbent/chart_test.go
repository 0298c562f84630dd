package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAskChart: `ask --chart FILE` writes the reply's chart as a PNG, and fails (status
// 1, saying why) when the reply has none; text output never carries the picture, and
// --format teams carries it in the card.
func TestAskChart(t *testing.T) {
	db := testDB(t, "gapdata")
	dir := t.TempDir()
	for _, q := range []string{"gap acme", "gap territory north", "growth acme", "growth territory north 2025"} {
		file := filepath.Join(dir, strings.ReplaceAll(q, " ", "_")+".png")
		code, out := ask(t, db, "--chart", file, q)
		if code != 0 {
			t.Fatalf("%s: status %d\n%s", q, code, out)
		}
		if strings.Contains(out, "base64") || !strings.Contains(out, "[chart: ") {
			t.Errorf("%s: the text output\n%s", q, out)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 450 {
			t.Errorf("%s: %v, %v", q, img.Bounds(), err)
		}
	}
	for _, q := range []string{"accounts", "growth acme 2027"} {
		file := filepath.Join(dir, "none.png")
		code, out := ask(t, db, "--chart", file, q)
		if code != 1 || !strings.Contains(out, "has no chart") {
			t.Errorf("%s: status %d, want 1 and why\n%s", q, code, out)
		}
		if _, err := os.Stat(file); err == nil {
			t.Errorf("%s: a file written", q)
		}
	}
	if code, out := ask(t, db, "--format", "teams", "gap acme"); code != 0 || !strings.Contains(out, `"url": "data:image/png;base64,`) {
		t.Errorf("--format teams: status %d, want the chart as an image in the card\n%.2000s", code, out)
	}
}
