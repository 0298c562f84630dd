// This file builds the Teams app package a Microsoft Teams user or admin uploads: a zip
// of manifest.json and the two icons (incumbent teams-package).

package teams

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// The app manifest schema the Teams package follows: a generally available version of
// Microsoft's reference, https://learn.microsoft.com/microsoft-365/extensibility/schema/.
// Nothing the package uses needs more than 1.13, so raising it is a matter of this
// constant alone.
const (
	teamsManifestVersion = "1.27"
	teamsManifestSchema  = "https://developer.microsoft.com/json-schemas/teams/v" + teamsManifestVersion + "/MicrosoftTeams.schema.json"
)

// Limits of the manifest schema on what the package writes.
const (
	teamsShortNameMax    = 30
	teamsFullNameMax     = 100
	teamsDeveloperMax    = 32
	teamsShortDescMax    = 80
	teamsFullDescMax     = 4000
	teamsURLMax          = 2048
	teamsVersionMax      = 256
	teamsCommandsMax     = 12 // per command list since manifest 1.24 (10 before)
	teamsCommandTitleMax = 32
	teamsCommandDescMax  = 128
)

// Defaults of teams-package, the project's own: a company deploying Incumbent is
// expected to replace the developer and the links with its own.
const (
	DefaultPackageName      = "Incumbent"
	DefaultPackageDeveloper = "Incumbent"
	DefaultPackageWebsite   = "https://github.com/incumbent/incumbent"
	DefaultPackagePrivacy   = "https://github.com/incumbent/incumbent#install-in-teams"
	DefaultPackageTerms     = "https://github.com/incumbent/incumbent#install-in-teams"
	DefaultPackageVersion   = "1.0.0"
)

// teamsScopes are where the bot can be installed: a personal chat, a team's channels
// and group chats. Every command works in all three.
var teamsScopes = []string{"personal", "team", "groupChat"}

var (
	guidRE         = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	teamsVersionRE = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
)

// teamsZipTime is the modification time of every file in the package, fixed so that
// the same flags always give the same bytes.
var teamsZipTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Package is what the Teams app package says about the deployment.
type Package struct {
	AppID     string // the Azure Bot's Microsoft App ID, also the Teams app's id
	Name      string
	Developer string
	Website   string
	Privacy   string
	Terms     string
	Version   string
}

// Validate checks the package's settings and normalises the app id to lower case. Its
// errors (EINVALID) name each setting as teams-package's flag (--name, --website, …);
// appIDSource names where the app id came from (--app-id or $MICROSOFT_APP_ID). An
// empty app id is the caller's to report.
func (p *Package) Validate(appIDSource string) error {
	if !guidRE.MatchString(p.AppID) {
		return domain.Errorf(domain.EINVALID, "%s: %q is not a GUID like 00000000-0000-0000-0000-000000000000: "+
			"give the Azure Bot's Microsoft App ID (Azure portal → your Azure Bot → Configuration)", appIDSource, p.AppID)
	}
	p.AppID = strings.ToLower(p.AppID)
	if err := checkTeamsText("--name", p.Name, teamsShortNameMax); err != nil {
		return err
	}
	if err := checkTeamsText("--developer", p.Developer, teamsDeveloperMax); err != nil {
		return err
	}
	for _, u := range []struct{ flag, value string }{
		{"--website", p.Website}, {"--privacy", p.Privacy}, {"--terms", p.Terms},
	} {
		if err := checkHTTPS(u.flag, u.value); err != nil {
			return err
		}
	}
	if len(p.Version) > teamsVersionMax || !teamsVersionRE.MatchString(p.Version) {
		return domain.Errorf(domain.EINVALID, "--version: %q is not a version X.Y.Z of numbers, like 1.0.0", p.Version)
	}
	return nil
}

// checkTeamsText checks a name shown in Teams: not empty, at most max characters, no
// control characters.
func checkTeamsText(flagName, s string, max int) error {
	switch {
	case s == "":
		return domain.Errorf(domain.EINVALID, "%s may not be empty", flagName)
	case utf8.RuneCountInString(s) > max:
		return domain.Errorf(domain.EINVALID, "%s: %q is %d characters; Teams takes at most %d", flagName, s, utf8.RuneCountInString(s), max)
	case strings.ContainsFunc(s, unicode.IsControl):
		return domain.Errorf(domain.EINVALID, "%s: %q contains a control character", flagName, s)
	}
	return nil
}

// checkHTTPS checks a link of the manifest: Teams takes only absolute https URLs.
func checkHTTPS(flagName, s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "":
		return domain.Errorf(domain.EINVALID, "%s: %q is not a URL like https://example.com/privacy", flagName, s)
	case u.Scheme != "https":
		return domain.Errorf(domain.EINVALID, "%s: %q must be an https:// URL; Teams accepts no other", flagName, s)
	case len(s) > teamsURLMax:
		return domain.Errorf(domain.EINVALID, "%s: the URL is %d characters; Teams takes at most %d", flagName, len(s), teamsURLMax)
	}
	return nil
}

// zip returns the package: manifest.json, color.png and outline.png, with fixed
// modification times.
func (p Package) Zip() ([]byte, error) {
	manifest, err := p.manifestJSON()
	if err != nil {
		return nil, err
	}
	colorPNG, err := encodePNG(teamsColorIcon())
	if err != nil {
		return nil, err
	}
	outlinePNG, err := encodePNG(teamsOutlineIcon())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"manifest.json", manifest}, {"color.png", colorPNG}, {"outline.png", outlinePNG},
	} {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: teamsZipTime}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Manifest is the Teams app manifest, the fields Incumbent uses in schema order.
type Manifest struct {
	Schema          string            `json:"$schema"`
	ManifestVersion string            `json:"manifestVersion"`
	Version         string            `json:"version"`
	ID              string            `json:"id"`
	Developer       ManifestDeveloper `json:"developer"`
	Name            ManifestText      `json:"name"`
	Description     ManifestText      `json:"description"`
	Icons           ManifestIcons     `json:"icons"`
	AccentColor     string            `json:"accentColor"`
	Bots            []ManifestBot     `json:"bots"`
	Permissions     []string          `json:"permissions"`
	ValidDomains    []string          `json:"validDomains"`
}

type ManifestDeveloper struct {
	Name          string `json:"name"`
	WebsiteURL    string `json:"websiteUrl"`
	PrivacyURL    string `json:"privacyUrl"`
	TermsOfUseURL string `json:"termsOfUseUrl"`
}

type ManifestText struct {
	Short string `json:"short"`
	Full  string `json:"full"`
}

type ManifestIcons struct {
	Color   string `json:"color"`
	Outline string `json:"outline"`
}

type ManifestBot struct {
	BotID              string                `json:"botId"`
	Scopes             []string              `json:"scopes"`
	SupportsFiles      bool                  `json:"supportsFiles"`
	IsNotificationOnly bool                  `json:"isNotificationOnly"`
	CommandLists       []ManifestCommandList `json:"commandLists"`
}

type ManifestCommandList struct {
	Scopes   []string          `json:"scopes"`
	Commands []ManifestCommand `json:"commands"`
}

type ManifestCommand struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

// teamsShortDescription and teamsFullDescription describe the app in Teams' app
// details.
const (
	teamsShortDescription = "Gaps, grades and deal what-ifs for B2B sales, from your own sales data"
	teamsFullDescription  = `Incumbent answers B2B sales teams from their own sales data. Message it directly, or mention it in a channel or group chat:

gap acme: the business we have at an account next to the business still to win there, category by category, with the open pipeline and the gap nothing covers yet.
grade acme: where the customer sits on the value scale, its true gross profit after late payments and unused commitments, and what would lift it a tier.
deal acme give 5% on gloves get 200 W-1 yearly: whether a discount traded for a first order adds profit to the whole account. Every deal is saved as a scenario to vary and compare; deal suggest acme proposes trades.
cpu acme W-1: our cost per use against the competitors' offers on file, and the price at which ours costs the same per use as theirs.
growth acme: pace against the year's objective and what is needed each month.
talk S-1: negotiation talking points for a saved deal, quoting only computed figures.

Weekly digests summarise each territory for its team. A rep sees the accounts of their territory, a manager the territories they manage. Type help for every command.`
)

// manifest returns the app manifest.
func (p Package) Manifest() Manifest {
	var cmds []ManifestCommand
	for _, c := range bot.Commands() {
		if len(cmds) == teamsCommandsMax { // the grammar lists the commands reps use most first
			break
		}
		cmds = append(cmds, ManifestCommand{
			Title:       clipWords(c.Name, teamsCommandTitleMax),
			Description: clipWords(upperFirst(c.Summary), teamsCommandDescMax),
		})
	}
	return Manifest{
		Schema:          teamsManifestSchema,
		ManifestVersion: teamsManifestVersion,
		Version:         p.Version,
		ID:              p.AppID,
		Developer: ManifestDeveloper{
			Name: p.Developer, WebsiteURL: p.Website, PrivacyURL: p.Privacy, TermsOfUseURL: p.Terms,
		},
		Name: ManifestText{
			Short: p.Name,
			Full:  clipWords(p.Name+": gap, grade and deal analysis for B2B sales teams", teamsFullNameMax),
		},
		Description: ManifestText{
			Short: clipWords(teamsShortDescription, teamsShortDescMax),
			Full:  clipWords(teamsFullDescription, teamsFullDescMax),
		},
		Icons:       ManifestIcons{Color: "color.png", Outline: "outline.png"},
		AccentColor: teamsAccentHex,
		Bots: []ManifestBot{{
			BotID:  p.AppID,
			Scopes: teamsScopes,
			CommandLists: []ManifestCommandList{{
				Scopes:   teamsScopes,
				Commands: cmds,
			}},
		}},
		Permissions:  []string{"identity", "messageTeamMembers"},
		ValidDomains: []string{},
	}
}

// manifestJSON returns manifest.json: indented, with links and text unescaped.
func (p Package) manifestJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p.Manifest()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// clipWords returns s if it has at most max characters, else s cut on a word boundary
// to at most max characters, ending in "…".
func clipWords(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := string(r[:max-1]) // room for the ellipsis
	if !unicode.IsSpace(r[max-1]) {
		if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > 0 {
			cut = cut[:i]
		}
	}
	return strings.TrimRightFunc(cut, func(c rune) bool { return unicode.IsSpace(c) || unicode.IsPunct(c) }) + "…"
}

// upperFirst returns s with its first letter in upper case.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// The icons' colours: the accent is the playground's blue, also the app's accent colour
// in Teams.
var (
	teamsAccent    = color.NRGBA{0x0b, 0x6b, 0xcb, 0xff}
	teamsAccentHex = fmt.Sprintf("#%02X%02X%02X", teamsAccent.R, teamsAccent.G, teamsAccent.B)
	teamsTint      = color.NRGBA{0x6d, 0xa6, 0xe0, 0xff} // 40% of the way from the accent to white
	teamsWhite     = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	teamsClear     = color.NRGBA{0xff, 0xff, 0xff, 0x00} // white, fully transparent
)

// The mark on both icons, in cells of a 16×16 grid: two bars on a baseline, a short
// solid one for what we sell at an account and a tall hollow one for what is still to
// win there.
var (
	markBaseline = image.Rect(1, 13, 15, 14)
	markHave     = image.Rect(2, 8, 7, 13)
	markToWin    = image.Rect(9, 2, 14, 13)
	markToWinIn  = image.Rect(10, 3, 13, 13) // the hollow of markToWin
)

// drawMark draws the mark on img with cells of cell pixels from origin: solid parts
// in fg, the hollow in hollow.
func drawMark(img draw.Image, origin image.Point, cell int, fg, hollow color.Color) {
	fill := func(r image.Rectangle, c color.Color) {
		r = image.Rectangle{Min: r.Min.Mul(cell), Max: r.Max.Mul(cell)}.Add(origin)
		draw.Draw(img, r, &image.Uniform{C: c}, image.Point{}, draw.Src)
	}
	fill(markBaseline, fg)
	fill(markHave, fg)
	fill(markToWin, fg)
	fill(markToWinIn, hollow)
}

// teamsColorIcon returns the 192×192 colour icon: the mark in white on the accent,
// within the central 96×96 pixels Teams keeps clear of its own rounding.
func teamsColorIcon() image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 192, 192))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: teamsAccent}, image.Point{}, draw.Src)
	drawMark(img, image.Pt(48, 48), 6, teamsWhite, teamsTint)
	return img
}

// teamsOutlineIcon returns the 32×32 outline icon: the mark in white on a transparent
// background, as Teams requires.
func teamsOutlineIcon() image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: teamsClear}, image.Point{}, draw.Src)
	drawMark(img, image.Point{}, 2, teamsWhite, teamsClear)
	return img
}

// encodePNG returns img as PNG.
func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
