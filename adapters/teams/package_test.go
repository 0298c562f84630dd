package teams

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

const testAppID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

// zipFiles returns the files of p's package by name.
func zipFiles(t *testing.T, p Package) map[string][]byte {
	t.Helper()
	data, err := p.Zip()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = b
	}
	return files
}

func TestPackage(t *testing.T) {
	p := Package{AppID: strings.ToUpper(testAppID), Name: DefaultPackageName, Developer: DefaultPackageDeveloper,
		Website: DefaultPackageWebsite, Privacy: DefaultPackagePrivacy, Terms: DefaultPackageTerms, Version: DefaultPackageVersion}
	if err := p.Validate("--app-id"); err != nil {
		t.Fatal(err)
	}
	files := zipFiles(t, p)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	if diff := cmp.Diff([]string{"color.png", "manifest.json", "outline.png"}, names); diff != "" {
		t.Fatalf("files in the zip (-want +got):\n%s", diff)
	}

	var m Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest.json: %v\n%s", err, files["manifest.json"])
	}
	// The JSON names, independently of the struct tags.
	var raw map[string]any
	if err := json.Unmarshal(files["manifest.json"], &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"$schema", "manifestVersion", "version", "id", "developer", "name",
		"description", "icons", "accentColor", "bots", "permissions", "validDomains"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("manifest.json lacks %q", k)
		}
	}

	schema := regexp.MustCompile(`^https://developer\.microsoft\.com/json-schemas/teams/v(1\.\d+)/MicrosoftTeams\.schema\.json$`).FindStringSubmatch(m.Schema)
	if schema == nil || schema[1] != m.ManifestVersion {
		t.Errorf("$schema %q and manifestVersion %q do not agree", m.Schema, m.ManifestVersion)
	}
	if m.ID != testAppID || m.Version != "1.0.0" {
		t.Errorf("id %q version %q; want %q (lower case) and 1.0.0", m.ID, m.Version, testAppID)
	}
	if !regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`).MatchString(m.AccentColor) {
		t.Errorf("accentColor %q is not #RRGGBB", m.AccentColor)
	}
	if diff := cmp.Diff(ManifestIcons{Color: "color.png", Outline: "outline.png"}, m.Icons); diff != "" {
		t.Errorf("icons (-want +got):\n%s", diff)
	}
	for _, u := range []string{m.Developer.WebsiteURL, m.Developer.PrivacyURL, m.Developer.TermsOfUseURL} {
		if !strings.HasPrefix(u, "https://") {
			t.Errorf("developer link %q is not https", u)
		}
	}
	if diff := cmp.Diff([]string{"identity", "messageTeamMembers"}, m.Permissions); diff != "" {
		t.Errorf("permissions (-want +got):\n%s", diff)
	}
	if m.ValidDomains == nil || len(m.ValidDomains) != 0 {
		t.Errorf("validDomains = %#v, want []", m.ValidDomains)
	}

	lengths := []struct {
		what string
		s    string
		max  int
	}{
		{"name.short", m.Name.Short, 30},
		{"name.full", m.Name.Full, 100},
		{"description.short", m.Description.Short, 80},
		{"description.full", m.Description.Full, 4000},
		{"developer.name", m.Developer.Name, 32},
	}
	for _, l := range lengths {
		if n := utf8.RuneCountInString(l.s); n == 0 || n > l.max {
			t.Errorf("%s is %d characters, want 1 to %d: %q", l.what, n, l.max, l.s)
		}
	}

	if len(m.Bots) != 1 {
		t.Fatalf("%d bots, want 1", len(m.Bots))
	}
	b := m.Bots[0]
	scopes := []string{"personal", "team", "groupChat"}
	if b.BotID != testAppID || b.SupportsFiles || b.IsNotificationOnly {
		t.Errorf("bot %q supportsFiles %v isNotificationOnly %v; want %q, false, false", b.BotID, b.SupportsFiles, b.IsNotificationOnly, testAppID)
	}
	if diff := cmp.Diff(scopes, b.Scopes); diff != "" {
		t.Errorf("bot scopes (-want +got):\n%s", diff)
	}
	if len(b.CommandLists) == 0 || len(b.CommandLists) > 3 {
		t.Fatalf("%d command lists, want 1 to 3", len(b.CommandLists))
	}
	var titles []string
	for _, l := range b.CommandLists {
		if diff := cmp.Diff(scopes, l.Scopes); diff != "" {
			t.Errorf("command list scopes (-want +got):\n%s", diff)
		}
		if len(l.Commands) == 0 || len(l.Commands) > 12 {
			t.Errorf("%d commands in a list, want 1 to 12", len(l.Commands))
		}
		for _, c := range l.Commands {
			titles = append(titles, c.Title)
			if n := utf8.RuneCountInString(c.Title); n == 0 || n > 32 {
				t.Errorf("command title %q is %d characters, want 1 to 32", c.Title, n)
			}
			if n := utf8.RuneCountInString(c.Description); n == 0 || n > 128 {
				t.Errorf("command %s: description is %d characters, want 1 to 128: %q", c.Title, n, c.Description)
			}
		}
	}
	for _, want := range []string{"gap", "grade", "deal", "cpu", "growth", "talk", "help"} {
		if !strings.Contains(" "+strings.Join(titles, " ")+" ", " "+want+" ") {
			t.Errorf("commands %v lack %q", titles, want)
		}
	}

	colorIcon := decodePNG(t, files["color.png"])
	if got := colorIcon.Bounds(); got != image.Rect(0, 0, 192, 192) {
		t.Errorf("color.png is %v, want 192×192", got)
	}
	colors := map[color.NRGBA]bool{}
	for y := 0; y < 192; y++ {
		for x := 0; x < 192; x++ {
			c := color.NRGBAModel.Convert(colorIcon.At(x, y)).(color.NRGBA)
			if c.A != 0xff {
				t.Fatalf("color.png (%d,%d) = %v, want opaque", x, y, c)
			}
			colors[c] = true
		}
	}
	if len(colors) < 2 {
		t.Errorf("color.png has %d colours: no mark", len(colors))
	}

	outline := decodePNG(t, files["outline.png"])
	if got := outline.Bounds(); got != image.Rect(0, 0, 32, 32) {
		t.Errorf("outline.png is %v, want 32×32", got)
	}
	opaque, clear := 0, 0
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			c := color.NRGBAModel.Convert(outline.At(x, y)).(color.NRGBA)
			switch {
			case c.A == 0:
				clear++
			case c.R != 0xff || c.G != 0xff || c.B != 0xff:
				t.Fatalf("outline.png (%d,%d) = %v, want white or transparent", x, y, c)
			default:
				opaque++
			}
		}
	}
	if opaque == 0 || clear == 0 {
		t.Errorf("outline.png: %d white and %d transparent pixels, want both", opaque, clear)
	}
}

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

func TestClipWords(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"short enough", 12, "short enough"},
		{"price a trade on the whole account", 20, "price a trade on…"},
		{"price a trade on the whole account", 17, "price a trade on…"},
		{"price a trade, then vary it", 16, "price a trade…"},
		{"unbreakableword", 8, "unbreak…"},
	}
	for _, tt := range tests {
		if got := clipWords(tt.s, tt.max); got != tt.want || utf8.RuneCountInString(got) > tt.max {
			t.Errorf("clipWords(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}
