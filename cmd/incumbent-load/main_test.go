package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// built is an incumbent binary and a small demo data set, made once for the tests.
var built struct{ bin, db, accounts string }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "incumbent-load")
	if err != nil {
		panic(err)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		built.bin, built.db, built.accounts = filepath.Join(dir, "incumbent"), filepath.Join(dir, "demo.db"), filepath.Join(dir, "data", "accounts.csv")
		for _, args := range [][]string{
			{"go", "build", "-o", built.bin, "../incumbent"},
			{built.bin, "demo", "--accounts", "200", "--end", "2026-11-27", filepath.Join(dir, "data")},
			{built.bin, "import", "--db", built.db, filepath.Join(dir, "data")},
		} {
			if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "%v: %v\n%s", args, err, out)
				return 1
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}

// load runs the generator with args after the built binary and data, and returns its
// exit status, its report and what it wrote.
func load(t *testing.T, args ...string) (int, Report, string) {
	t.Helper()
	t.Setenv("DATABASE_URL", "") // the served process reads the built SQLite database
	var out, errOut bytes.Buffer
	code := Main(t.Context(), append([]string{"--incumbent", built.bin, "--db", built.db, "--accounts", built.accounts,
		"--step", "1s", "--drain", "20s", "--json"}, args...), &out, &errOut)
	var rep Report
	text := out.String()
	if i := strings.Index(text, "\n{"); i >= 0 {
		if err := json.Unmarshal([]byte(text[i+1:]), &rep); err != nil {
			t.Fatalf("report: %v\n%s", err, text)
		}
	}
	return code, rep, text + errOut.String()
}

// TestLoad: at low rates every command and mention is answered once, the bare handler is
// measured in the same run, and the report reads off the sustained rates.
func TestLoad(t *testing.T) {
	code, rep, out := load(t, "--rates", "10,20")
	if code != 0 || !rep.OK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if len(rep.Steps) != 4 || rep.Steps[0].Handler != "bare" || rep.Steps[3].Handler != "incumbent" || rep.Steps[3].Requests != 20 {
		t.Errorf("steps: %+v", rep.Steps)
	}
	if rep.Commands == 0 || rep.Mentions == 0 || rep.Inline+rep.Deferred != rep.Commands || rep.Sustained["bare"] != 20 {
		t.Errorf("report: %+v", rep)
	}
	if rep.PeakRSSMB <= 0 || !strings.Contains(rep.Ready, `"status":"ok"`) {
		t.Errorf("server: %+v", rep)
	}
	if !strings.Contains(out, "highest rate with p99 < 100ms and no errors: incumbent") {
		t.Errorf("table:\n%s", out)
	}
}

// TestLoadFaults runs the stand-in faults and a Redis stopped and started again under
// load: nothing is lost or answered twice, the server stays up, and the faults did
// happen.
func TestLoadFaults(t *testing.T) {
	for _, fault := range []string{"slack-429", "slack-500", "llm-500", "llm-timeout"} {
		t.Run(fault, func(t *testing.T) {
			code, rep, out := load(t, "--rates", "10,15,20", "--fault", fault)
			if code != 0 || !rep.OK || rep.Failed == 0 {
				t.Errorf("exit %d, %d stand-in calls failed:\n%s", code, rep.Failed, out)
			}
			if strings.HasPrefix(fault, "llm") && rep.Drafts == 0 {
				t.Errorf("the model was never asked:\n%s", out)
			}
		})
	}
	t.Run("redis", func(t *testing.T) {
		if _, err := exec.LookPath("redis-server"); err != nil {
			if os.Getenv("INCUMBENT_REQUIRE_SERVICES") != "" {
				t.Fatal("redis-server is not installed, and INCUMBENT_REQUIRE_SERVICES requires it")
			}
			t.Skip("redis-server is not installed: the Redis fault needs one of its own to stop")
		}
		port := freePort(t)
		start := fmt.Sprintf(`redis-server --daemonize yes --port %d --save "" --appendonly no`, port)
		stop := fmt.Sprintf(`redis-cli -p %d shutdown nosave`, port)
		if out, err := exec.Command("sh", "-c", start).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v %s", start, err, out)
		}
		t.Cleanup(func() { exec.Command("sh", "-c", stop).Run() })
		waitPort(t, port)
		t.Setenv("REDIS_URL", fmt.Sprintf("redis://127.0.0.1:%d", port))
		code, rep, out := load(t, "--rates", "10,15,20", "--fault-cmd", stop, "--recover-cmd", start)
		if code != 0 || !rep.OK {
			t.Errorf("exit %d:\n%s", code, out)
		}
		// Redis is used again after it came back.
		if !strings.Contains(rep.Ready, `"redis":"ok"`) {
			t.Errorf("readyz after Redis came back: %s", rep.Ready)
		}
	})
}

// TestLoadRefusesAVacuousRun: a run whose commands name accounts the server does not
// hold (another data set's), and whose model fault therefore meets no call (talk is
// never drafted), fails and says why, although every command was answered once.
func TestLoadRefusesAVacuousRun(t *testing.T) {
	other := filepath.Join(t.TempDir(), "accounts.csv")
	if err := os.WriteFile(other, []byte("account_id,name\nZ0001,Elsewhere\nZ0002,Nowhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, rep, out := load(t, "--rates", "10,15,20", "--fault", "llm-500", "--accounts", other)
	if code != 1 || rep.OK || rep.Lost != 0 || rep.Unknown == 0 || !rep.Unmet || rep.Drafts != 0 {
		t.Errorf("exit %d, report %+v:\n%s", code, rep, out)
	}
	if !strings.Contains(out, "answers did not know the account asked about") || !strings.Contains(out, "FAILED: the fault llm-500 met no call") {
		t.Errorf("output:\n%s", out)
	}
	if row := rep.Row("llm-500"); !strings.HasSuffix(row, "FAILED: the server does not hold the accounts") {
		t.Errorf("row: %s", row)
	}
}

func TestUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "--incumbent is required"},
		{[]string{"--incumbent", "x", "--db", "d", "--rates", "10,fast"}, `--rates "10,fast"`},
		{[]string{"--incumbent", "x", "--db", "d", "--fault", "fire"}, `--fault "fire"`},
		{[]string{"--incumbent", "x", "--db", "d", "--events", "0.8", "--talk", "0.5"}, "together at most 1"},
		{[]string{"--incumbent", "x", "--db", "d", "extra"}, `unexpected argument "extra"`},
	} {
		var out, errOut bytes.Buffer
		if code := Main(context.Background(), tt.args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: %d %s", tt.args, code, errOut.String())
		}
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitPort(t *testing.T, port int) {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("nothing answers on port %d", port)
}
