package main

import (
	"fmt"
	"io"
	"os"
)

// maxSettingsSize is the most of a settings file that is read: a real one is a few
// kilobytes, and a device or an endless file named by mistake must not fill the memory.
const maxSettingsSize = 1 << 20

// readSettingsFile returns the text of the settings file at path, refused when it is
// over maxSettingsSize.
func readSettingsFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("settings %s: %w", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSettingsSize+1))
	if err != nil {
		return "", fmt.Errorf("settings %s: %w", path, err)
	}
	if len(b) > maxSettingsSize {
		return "", fmt.Errorf("settings %s: the file is over %d MiB; a settings file is a few lines of TOML (see docs/settings.example.toml)", path, maxSettingsSize>>20)
	}
	return string(b), nil
}
