package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/domain"
)

// teamsDefaultOut is where teams-package writes the package unless --out says otherwise.
const teamsDefaultOut = "incumbent-teams.zip"

// runTeamsPackage writes the app package a Microsoft Teams user or admin uploads: a zip
// of manifest.json and the two icons.
func runTeamsPackage(ctx context.Context, args []string, env Env, cfg Config) error {
	fs := flags("teams-package", env)
	appID := fs.String("app-id", cfg.Teams.AppID, "the Azure Bot's Microsoft App ID, a GUID (env MICROSOFT_APP_ID)")
	out := fs.String("out", teamsDefaultOut, "zip file to write")
	name := fs.String("name", teams.DefaultPackageName, "the app's name in Teams, at most 30 characters")
	developer := fs.String("developer", teams.DefaultPackageDeveloper, "publisher shown in Teams, at most 32 characters: the project's by default, set your company's")
	website := fs.String("website", teams.DefaultPackageWebsite, "publisher's website, https: the project's by default, set your company's")
	privacy := fs.String("privacy", teams.DefaultPackagePrivacy, "privacy policy, https: the project's README by default, set your company's")
	terms := fs.String("terms", teams.DefaultPackageTerms, "terms of use, https: the project's README by default, set your company's")
	version := fs.String("version", teams.DefaultPackageVersion, "app version X.Y.Z; raise it to update an app already uploaded")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("teams-package takes no arguments, only flags (got %q): incumbent teams-package --app-id ID [--out FILE]", pos[0])}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	p := teams.Package{
		AppID: strings.TrimSpace(*appID), Name: strings.TrimSpace(*name),
		Developer: strings.TrimSpace(*developer), Website: *website, Privacy: *privacy, Terms: *terms,
		Version: *version,
	}
	if err := checkTeamsPackage(&p, set["app-id"]); err != nil {
		return err
	}
	data, err := p.Zip()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeFileAtomic(*out, data); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: the Teams app package of %q (Microsoft App ID %s, version %s)\n", *out, p.Name, p.AppID, p.Version)
	fmt.Fprint(env.Stdout, `Next, upload it:
  - for yourself or a team: in Teams, Apps → Manage your apps → Upload an app;
  - for the organisation: Teams admin center → Teams apps → Manage apps → Upload new app.
The Azure Bot's messaging endpoint must be https://YOUR_HOST/api/messages, served by
incumbent serve with MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID
(README.md, "Install in Teams").
`)
	return nil
}

// checkTeamsPackage validates p (teams.Package.Validate) as a usage error; appIDFlag says
// whether the app id came from --app-id rather than the environment.
func checkTeamsPackage(p *teams.Package, appIDFlag bool) error {
	if p.AppID == "" {
		return usageError{"give the Azure Bot's Microsoft App ID with --app-id ID or $MICROSOFT_APP_ID " +
			"(Azure portal → your Azure Bot → Configuration → Microsoft App ID)"}
	}
	src := "--app-id"
	if !appIDFlag {
		src = "$MICROSOFT_APP_ID"
	}
	if err := p.Validate(src); err != nil {
		return usageError{domain.ErrorMessage(err)}
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file in the same directory
// renamed into place, so that a failure leaves the previous file or none, never half
// of one.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if errors.Is(err, os.ErrNotExist) {
		return domain.Errorf(domain.ENOTFOUND, "directory %s does not exist", dir)
	}
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
