//go:build unix

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// openFilesEnv, set in a child process's environment with asMainEnv, lowers its limit
// on open files to that number before main runs, as a container's may be.
const openFilesEnv = "INCUMBENT_TEST_OPEN_FILES"

func init() {
	if os.Getenv(asMainEnv) != "1" || os.Getenv(openFilesEnv) == "" {
		return
	}
	n, err := strconv.ParseUint(os.Getenv(openFilesEnv), 10, 64)
	if err == nil {
		err = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n})
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", openFilesEnv, err)
		os.Exit(2)
	}
}

// TestSlowConnections: with the server's open files limited to 256, 300 connections
// send the headers of a slash command and a few bytes of its body, then nothing, and
// stay open. /healthz and a signed slash command sent after them still answer (the
// server serves a bounded number of connections at once, so its open files do not run
// out, and the read timeout cuts the slow ones): the command's answer is the gap.
func TestSlowConnections(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/auth.test":
			fmt.Fprint(w, `{"ok":true,"user_id":"U_BOT","team_id":"T1"}`)
		case "/users.info":
			fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","team_id":"T1","profile":{"email":"dana.alvarez@example.com"}}}`)
		case "/conversations.info":
			fmt.Fprint(w, `{"ok":true,"channel":{"id":"C1","is_ext_shared":false}}`)
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	defer api.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const secret = "s3cr3t"
	process(t, map[string]string{openFilesEnv: "256", "INCUMBENT_DB": filepath.Join(t.TempDir(), "incumbent.db"),
		"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": api.URL}, "serve", "--addr", addr)
	url := "http://" + addr
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not start")
		}
	}

	const slow = 300
	for range slow {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /slack/commands HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\ncommand=", addr)
	}

	// Both are answered within the read timeout of the slow connections ahead of them
	// (15 s), and then some; without the timeouts and the bound, never.
	client := &http.Client{Timeout: 90 * time.Second}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		resp, err := client.Get(url + "/healthz")
		if err != nil {
			t.Errorf("/healthz behind %d slow connections: %v", slow, err)
			return
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("/healthz: %d", resp.StatusCode)
		}
	}()
	go func() {
		defer wg.Done()
		req := slackRequest(url+"/slack/commands", "application/x-www-form-urlencoded",
			"command=%2Fgap&text=acme&user_id=U1&channel_id=C1&team_id=T1", secret, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		resp, err := client.Do(req.WithContext(ctx))
		if err != nil {
			t.Errorf("a signed slash command behind %d slow connections: %v", slow, err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), "Acme Manufacturing — gap") {
			t.Errorf("the slash command: %d %.300s", resp.StatusCode, b)
		}
	}()
	wg.Wait()
}
