package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds the browser for the browser test: $INCUMBENT_CHROMIUM, else Debian's
// chromium on the PATH. Without one the test skips, unless INCUMBENT_REQUIRE_SERVICES
// is set (CI installs it), when it fails.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("INCUMBENT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (install Debian's chromium package, or set INCUMBENT_CHROMIUM)"
	if os.Getenv("INCUMBENT_REQUIRE_SERVICES") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser starts headless Chromium (exe) for one test, and returns the context its
// actions run in: it ends with the test, or after 60 s.
func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// TestPlaygroundInBrowser starts the server on demo data, opens the playground in
// headless Chromium, asks `gap acme`, presses the reply's Grade button, switches to a rep
// and checks what each reply shows.
func TestPlaygroundInBrowser(t *testing.T) {
	exe := chromium(t)
	url, _ := serve(t, map[string]string{"INCUMBENT_DB": filepath.Join(t.TempDir(), "incumbent.db")})

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
	); err != nil {
		t.Fatalf("open the page: %v", err)
	}
	options, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#as option').length`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(css(`#text`), "gap acme"),
		chromedp.Click(css(`#ask button[type=submit]`)),
		chromedp.WaitVisible(css(`.turn:nth-of-type(1) .reply h2`)),
	); err != nil {
		t.Fatalf("ask gap acme: %v", err)
	}
	first := text(`.turn:nth-of-type(1) .reply`)
	// The gap's chart, inline: a picture the browser decoded, 800 pixels wide.
	width, err := chromedp.Run(ctx, chromedp.Poll[int](
		`(() => { const i = document.querySelector('.turn:nth-of-type(1) .reply figure img'); return i && i.complete && i.naturalWidth })()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || width != 800 {
		t.Errorf("the gap's chart: %d pixels wide, %v; want an 800-pixel picture", width, err)
	}
	alt, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.turn:nth-of-type(1) .reply figure img').alt`))
	if !strings.HasPrefix(alt, "Current vs potential by category in Acme Manufacturing") {
		t.Errorf("the chart's alt text: %q", alt)
	}
	// The reply's Grade button runs `grade A0001`.
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`.turn:nth-of-type(1) button[data-command^="grade "]`)),
		chromedp.WaitVisible(css(`.turn:nth-of-type(2) .reply h2`)),
	); err != nil {
		t.Fatalf("press Grade: %v", err)
	}
	second := text(`.turn:nth-of-type(2) .reply`)
	// A rep of another territory is refused.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(css(`#as`), "dana.white@example.com"),
		chromedp.SendKeys(css(`#text`), "gap acme"),
		chromedp.Click(css(`#ask button[type=submit]`)),
		chromedp.WaitVisible(css(`.turn:nth-of-type(3) .reply`)),
	); err != nil {
		t.Fatalf("ask as a rep: %v", err)
	}
	rep := text(`.turn:nth-of-type(3)`)
	history := text(`#history`)
	// INCUMBENT_SCREENSHOT=file.png keeps a picture of the page, to look at.
	if path := os.Getenv("INCUMBENT_SCREENSHOT"); path != "" {
		if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			os.WriteFile(path, png, 0o644)
		}
	}
	if options < 5 {
		t.Errorf("the who-am-I selector lists %d options", options)
	}
	for _, want := range []string{"Acme Manufacturing — gap", "Share of wallet", "Category", "Suggested deals"} {
		if !strings.Contains(first, want) {
			t.Errorf("gap reply lacks %q:\n%s", want, first)
		}
	}
	if !strings.Contains(second, "Acme Manufacturing — ") || !strings.Contains(second, "Criterion") || strings.Contains(second, "— gap") {
		t.Errorf("the Grade button did not show the grade:\n%s", second)
	}
	if !strings.Contains(rep, "Dana White: gap acme") || !strings.Contains(rep, `No account matches "acme"`) || strings.Contains(rep, "$") {
		t.Errorf("a rep of another territory saw:\n%s", rep)
	}
	if !strings.Contains(history, "gap acme") || !strings.Contains(history, "grade A0001") {
		t.Errorf("history: %q", history)
	}
}
