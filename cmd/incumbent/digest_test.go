package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDigestCommandLine previews a digest on the command line and refuses --send without
// a chat platform or for an unknown territory.
func TestDigestCommandLine(t *testing.T) {
	db := testDB(t, "digestdata")
	code, out, errOut := run(t, "", nil, "digest", "--db", db, "north")
	if code != 0 || !strings.Contains(out, "North — weekly digest") {
		t.Errorf("preview: %d %s%s", code, out, errOut)
	}
	code, out, _ = run(t, "", nil, "digest", "--db", db, "--format", "teams", "North")
	var card map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &card) != nil || card["type"] != "AdaptiveCard" {
		t.Errorf("--format teams: %d %.300s", code, out)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"digest", "--db", db}, exitUsage, "which territory?"},
		{[]string{"digest", "--db", db, "Westeros"}, exitFail, `No territory is called "Westeros". Territories: North, South.`},
		{[]string{"digest", "--db", db, "--send", "North"}, exitUsage, "--send needs a chat platform"},
		{[]string{"digest", "--db", db, "--format", "pdf", "North"}, exitUsage, `--format "pdf"`},
	} {
		code, out, errOut := run(t, "", nil, tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: %d %s%s", tt.args, code, out, errOut)
		}
	}
}
