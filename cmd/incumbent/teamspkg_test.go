package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/adapters/teams"
)

const testAppID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

// teamsPackageFiles runs teams-package with args (writing into a temporary directory
// unless --out is given) and returns the zip's files by name.
func teamsPackageFiles(t *testing.T, env map[string]string, args ...string) map[string][]byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "app.zip")
	code, stdout, stderr := run(t, "", env, append([]string{"teams-package", "--out", out}, args...)...)
	if code != 0 {
		t.Fatalf("teams-package: status %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out) || !strings.Contains(stdout, "Upload an app") {
		t.Errorf("output does not say what was written and what to do next:\n%s", stdout)
	}
	data, err := os.ReadFile(out)
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

func TestTeamsPackageFlags(t *testing.T) {
	files := teamsPackageFiles(t, map[string]string{"MICROSOFT_APP_ID": testAppID},
		"--name", "Acme Sales", "--developer", "Acme Corp", "--website", "https://acme.example",
		"--privacy", "https://acme.example/privacy", "--terms", "https://acme.example/terms", "--version", "2.3.10")
	var m teams.Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	want := teams.ManifestDeveloper{Name: "Acme Corp", WebsiteURL: "https://acme.example",
		PrivacyURL: "https://acme.example/privacy", TermsOfUseURL: "https://acme.example/terms"}
	if diff := cmp.Diff(want, m.Developer); diff != "" {
		t.Errorf("developer (-want +got):\n%s", diff)
	}
	if m.ID != testAppID || m.Bots[0].BotID != testAppID {
		t.Errorf("id %q botId %q, want $MICROSOFT_APP_ID %q", m.ID, m.Bots[0].BotID, testAppID)
	}
	if m.Name.Short != "Acme Sales" || !strings.HasPrefix(m.Name.Full, "Acme Sales") || m.Version != "2.3.10" {
		t.Errorf("name %+v version %q", m.Name, m.Version)
	}
}

func TestTeamsPackageDeterministic(t *testing.T) {
	dir := t.TempDir()
	var zips [][]byte
	for _, name := range []string{"a.zip", "b.zip"} {
		out := filepath.Join(dir, name)
		if code, stdout, stderr := run(t, "", nil, "teams-package", "--app-id", testAppID, "--out", out); code != 0 {
			t.Fatalf("status %d\n%s%s", code, stdout, stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		zips = append(zips, data)
	}
	if !bytes.Equal(zips[0], zips[1]) {
		t.Error("two runs with the same flags wrote different zips")
	}
	// Writing over an existing package replaces it and leaves no temporary file.
	out := filepath.Join(dir, "a.zip")
	if code, stdout, stderr := run(t, "", nil, "teams-package", "--app-id", testAppID, "--version", "1.0.1", "--out", out); code != 0 {
		t.Fatalf("status %d\n%s%s", code, stdout, stderr)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"a.zip", "b.zip"}, names); diff != "" {
		t.Errorf("directory after rewriting (-want +got):\n%s", diff)
	}
}

func TestTeamsPackageBadInput(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no app id", nil, nil, 2, "give the Azure Bot's Microsoft App ID with --app-id ID or $MICROSOFT_APP_ID"},
		{"app id not a GUID", nil, []string{"--app-id", "my-bot"}, 2, `--app-id: "my-bot" is not a GUID`},
		{"app id in braces", nil, []string{"--app-id", "{" + testAppID + "}"}, 2, "is not a GUID"},
		{"env app id not a GUID", map[string]string{"MICROSOFT_APP_ID": "28:abc"}, nil, 2, `$MICROSOFT_APP_ID: "28:abc" is not a GUID`},
		{"http website", nil, []string{"--app-id", testAppID, "--website", "http://acme.example"}, 2, `--website: "http://acme.example" must be an https:// URL`},
		{"http privacy", nil, []string{"--app-id", testAppID, "--privacy", "http://acme.example/p"}, 2, "--privacy"},
		{"terms not a URL", nil, []string{"--app-id", testAppID, "--terms", "acme terms"}, 2, `--terms: "acme terms" is not a URL`},
		{"long name", nil, []string{"--app-id", testAppID, "--name", strings.Repeat("x", 31)}, 2, "--name: \"" + strings.Repeat("x", 31) + "\" is 31 characters; Teams takes at most 30"},
		{"empty developer", nil, []string{"--app-id", testAppID, "--developer", " "}, 2, "--developer may not be empty"},
		{"bad version", nil, []string{"--app-id", testAppID, "--version", "1.0"}, 2, `--version: "1.0" is not a version X.Y.Z`},
		{"unknown flag", nil, []string{"--app-id", testAppID, "--colour", "red"}, 2, "flag provided but not defined: -colour"},
		{"argument", nil, []string{"--app-id", testAppID, "extra"}, 2, "teams-package takes no arguments"},
		{"missing directory", nil, []string{"--app-id", testAppID, "--out", "/nonexistent/dir/app.zip"}, 1, "directory /nonexistent/dir does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := tt.args
			if !strings.Contains(strings.Join(args, " "), "--out") {
				args = append(args, "--out", filepath.Join(dir, "app.zip"))
			}
			code, stdout, stderr := run(t, "", tt.env, append([]string{"teams-package"}, args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("status %d (want %d), stderr lacks %q:\n%s%s", code, tt.code, tt.want, stdout, stderr)
			}
			if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
				t.Errorf("files written: %v (%v)", entries, err)
			}
		})
	}
}

func TestTeamsPackageHelp(t *testing.T) {
	code, stdout, stderr := run(t, "", nil, "teams-package", "--help")
	if code != 0 || !strings.Contains(stderr, "-app-id") || !strings.Contains(stderr, "MICROSOFT_APP_ID") {
		t.Errorf("teams-package --help: status %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := run(t, "", nil, "help"); code != 0 || !strings.Contains(stdout, "incumbent teams-package --app-id ID") {
		t.Errorf("help does not list teams-package: status %d\n%s", code, stdout)
	}
}
