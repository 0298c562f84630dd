package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlaygroundFormInBrowser opens the playground in headless Chromium on the deal
// test company, asks `gap acme`, opens the "Set potential" form of its category without
// an estimate, fills it in and sends it: the potential is set as the command the form
// made, and the next gap shows it.
func TestPlaygroundFormInBrowser(t *testing.T) {
	exe := chromium(t)
	db := filepath.Join(t.TempDir(), "deal.db")
	if code, out, errOut := run(t, "", nil, "import", "--db", db, testdata("dealdata")); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errOut)
	}
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": db, "INCUMBENT_AS_OF": "2026-11-27"})

	ctx := browser(t, exe)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(css(`#text`)),
		chromedp.SendKeys(css(`#text`), "gap acme"),
		chromedp.Click(css(`#ask button[type=submit]`)),
		chromedp.WaitVisible(css(`.turn:nth-of-type(1) .reply h2`)),
	); err != nil {
		t.Fatalf("ask gap acme: %v", err)
	}
	form := `.turn:nth-of-type(1) details.form`
	if err := chromedp.Do(ctx,
		chromedp.Click(css(form+` summary`)),
		chromedp.WaitVisible(css(form+` input[name=amount]`)),
		chromedp.SendKeys(css(form+` input[name=amount]`), "2,500"),
		chromedp.SendKeys(css(form+` input[name=competitor]`), "Uline Inc"),
		chromedp.Click(css(form+` button[type=submit]`)),
		chromedp.WaitVisible(css(`.turn:nth-of-type(2) .reply h2`)),
	); err != nil {
		t.Fatalf("send the form: %v", err)
	}
	set := text(`.turn:nth-of-type(2)`)
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(css(`#text`), "gap acme"),
		chromedp.Click(css(`#ask button[type=submit]`)),
		chromedp.WaitVisible(css(`.turn:nth-of-type(3) .reply h2`)),
	); err != nil {
		t.Fatalf("ask gap acme again: %v", err)
	}
	after := text(`.turn:nth-of-type(3) .reply table`)
	history := text(`#history`)
	for _, want := range []string{`Admin: potential set A1 Masks 2,500 competitor "Uline Inc"`, "Potential set", "they spend $2,500 a year; Uline Inc holds the rest."} {
		if !strings.Contains(set, want) {
			t.Errorf("the form's reply lacks %q:\n%s", want, set)
		}
	}
	masks := ""
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "Masks") {
			masks = line
		}
	}
	if !strings.Contains(masks, "$2,500") || strings.Contains(masks, "no estimate") {
		t.Errorf("the gap after the form: Masks is %q\n%s", masks, after)
	}
	if !strings.Contains(history, `potential set A1 Masks 2,500 competitor "Uline Inc"`) {
		t.Errorf("history: %q", history)
	}

	// "Plan it" on the largest uncovered category, sent empty: every default taken.
	plan := `(//*[contains(concat(" ",@class," ")," turn ")])[3]//details[contains(@class,"form")][summary[starts-with(normalize-space(.),"Plan it")]]`
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.Search(plan+`/summary`)),
		chromedp.WaitVisible(chromedp.Search(plan+`//input[@name="value"]`)),
		chromedp.Click(chromedp.Search(plan+`//button[@type="submit"]`)),
		chromedp.WaitVisible(css(`.turn:nth-of-type(4) .reply h2`)),
	); err != nil {
		t.Fatalf("send the Plan it form: %v", err)
	}
	planned := text(`.turn:nth-of-type(4)`)
	for _, want := range []string{"Planned", "Incumbent only: no CRM is configured", "No plan now"} {
		if !strings.Contains(planned, want) {
			t.Errorf("the Plan it reply lacks %q:\n%s", want, planned)
		}
	}
}
