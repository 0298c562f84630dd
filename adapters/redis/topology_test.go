package redis_test

// The store through go-redis's universal client against real Sentinel and Cluster
// deployments, started here from the machine's redis-server on free ports: the
// REDIS_ADDRS and REDIS_MASTER_NAME paths of the README.

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/redis"
)

// needRedisServer returns the path of redis-server, or skips the test without one
// (fails when INCUMBENT_REQUIRE_SERVICES is set).
func needRedisServer(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("INCUMBENT_REQUIRE_SERVICES") != "" {
			t.Fatal("redis-server is not on PATH, and INCUMBENT_REQUIRE_SERVICES requires the Sentinel and Cluster tests")
		}
		t.Skip("redis-server is not on PATH: Sentinel and Cluster are not tested")
	}
	return path
}

// freePort returns a loopback port free now, with port+10000 (a Cluster node's bus)
// free too.
func freePort(t *testing.T) int {
	t.Helper()
	for range 100 {
		port := 20000 + rand.IntN(30000)
		a, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		b, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		a.Close()
		if err != nil {
			continue
		}
		b.Close()
		return port
	}
	t.Fatal("no free port")
	return 0
}

// redisProcess is one redis-server the test started.
type redisProcess struct {
	addr string
	cmd  *exec.Cmd
}

// startRedis starts redis-server on a free port with args (a config file first, or
// options) in dir, waits for it to answer, and stops it when the test ends.
func startRedis(t *testing.T, server, dir string, args ...string) *redisProcess {
	t.Helper()
	port := freePort(t)
	args = append(args, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no")
	cmd := exec.Command(server, args...)
	log, err := os.Create(filepath.Join(dir, fmt.Sprintf("redis-%d.log", port)))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &redisProcess{addr: "127.0.0.1:" + strconv.Itoa(port), cmd: cmd}
	t.Cleanup(func() { p.stop(); log.Close() })
	c := goredis.NewClient(&goredis.Options{Addr: p.addr})
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c.Ping(t.Context()).Err() == nil {
			return p
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("redis-server %s did not answer:\n%s", strings.Join(args, " "), b)
		}
	}
}

// stop kills the server, as a crashed host would go.
func (p *redisProcess) stop() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
}

// topologyStore opens a store on addrs (and master, for Sentinel) with a key prefix of
// its own.
func topologyStore(t *testing.T, master string, addrs ...string) *redis.Store {
	t.Helper()
	s, err := redis.Open(t.Context(), redis.Options{Fallback: &memory.Store{}, URL: "redis://unused:6379", Addrs: addrs, MasterName: master,
		Prefix: fmt.Sprintf("t%d:", rand.Int64()), Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("the store does not reach Redis through %v: %v", addrs, err)
	}
	return s
}

// runContract runs the store contract on stores that open opens, one per part.
func runContract(t *testing.T, open func(t *testing.T) *redis.Store) {
	for _, part := range []struct {
		name string
		run  func(*testing.T, impl)
	}{
		{"contract", testContract}, {"sessions and locks", testSessionsAndLocks}, {"concurrent FirstSeen", testConcurrentFirstSeen},
	} {
		t.Run(part.name, func(t *testing.T) { part.run(t, impl{"", open(t), time.Sleep}) })
	}
}

// TestSentinel runs the contract through a Sentinel (REDIS_ADDRS with
// REDIS_MASTER_NAME) watching a master and its replica, then kills the master: the
// Sentinel promotes the replica and the store, without being reopened, writes to it.
func TestSentinel(t *testing.T) {
	server := needRedisServer(t)
	dir := t.TempDir()
	master := startRedis(t, server, dir)
	replica := startRedis(t, server, dir, "--replicaof", "127.0.0.1", strings.TrimPrefix(master.addr, "127.0.0.1:"))
	conf := filepath.Join(dir, "sentinel.conf")
	port := strings.TrimPrefix(master.addr, "127.0.0.1:")
	if err := os.WriteFile(conf, []byte("sentinel monitor incumbent 127.0.0.1 "+port+" 1\n"+
		"sentinel down-after-milliseconds incumbent 500\nsentinel failover-timeout incumbent 3000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sentinel := startRedis(t, server, dir, conf, "--sentinel")

	runContract(t, func(t *testing.T) *redis.Store { return topologyStore(t, "incumbent", sentinel.addr) })

	s := topologyStore(t, "incumbent", sentinel.addr)
	ctx := t.Context()
	if err := s.Set(ctx, "before", []byte("1"), time.Minute); err != nil {
		t.Fatal(err)
	}
	// Wait for the replica to have the key, so that it survives the failover.
	rc := goredis.NewClient(&goredis.Options{Addr: replica.addr})
	defer rc.Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		keys, _ := rc.Keys(ctx, "*before").Result()
		if len(keys) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica did not get the key")
		}
	}
	master.stop()
	// The Sentinel promotes the replica once the master has been down 500 ms.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if role, _ := rc.Do(ctx, "ROLE").Slice(); len(role) > 0 && role[0] == "master" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the Sentinel did not promote the replica within 30 s")
		}
	}
	// The same store: it follows the Sentinel to the new master (its memory answers in
	// between, and it goes back to Redis within its retry interval).
	var key []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		s.Set(ctx, "after-failover", []byte("2"), time.Minute)
		if key, _ = rc.Keys(ctx, "*after-failover").Result(); len(key) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the store did not write to the promoted replica within 10 s")
		}
	}
	if v, ok, err := s.Get(ctx, "before"); err != nil || !ok || string(v) != "1" {
		t.Errorf("a key written before the failover: %q %v %v", v, ok, err)
	}
	if keys, _ := rc.Keys(ctx, "*before").Result(); len(keys) != 1 {
		t.Errorf("the new master lost the key written before the failover: %v", keys)
	}
}

// TestCluster runs the contract through a three-node Redis Cluster (REDIS_ADDRS
// without REDIS_MASTER_NAME): keys, pipelines and the lock's script spread over the
// nodes' hash slots.
func TestCluster(t *testing.T) {
	server := needRedisServer(t)
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatal("redis-cli is not on PATH (it creates the cluster)")
	}
	dir := t.TempDir()
	var addrs []string
	for i := range 3 {
		p := startRedis(t, server, dir, "--cluster-enabled", "yes", "--cluster-config-file", fmt.Sprintf("nodes-%d.conf", i))
		addrs = append(addrs, p.addr)
	}
	out, err := exec.Command(cli, append(append([]string{"--cluster", "create"}, addrs...), "--cluster-yes")...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	c := goredis.NewClient(&goredis.Options{Addr: addrs[0]})
	defer c.Close()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if info, _ := c.ClusterInfo(t.Context()).Result(); strings.Contains(info, "cluster_state:ok") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the cluster did not come up within 20 s")
		}
	}
	runContract(t, func(t *testing.T) *redis.Store { return topologyStore(t, "", addrs...) })

	// The keys really are spread: every node holds some.
	s := topologyStore(t, "", addrs...)
	for i := range 30 {
		if err := s.Set(t.Context(), fmt.Sprintf("k%d", i), []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range addrs {
		n := goredis.NewClient(&goredis.Options{Addr: a})
		if size, _ := n.DBSize(t.Context()).Result(); size == 0 {
			t.Errorf("node %s holds no key", a)
		}
		n.Close()
	}
}
