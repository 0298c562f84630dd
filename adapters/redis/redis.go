// Package redis keeps Incumbent's shared state in Redis, with github.com/redis/go-redis/v9,
// so that several replicas behind a load balancer agree: an event Slack retries on
// another replica is processed once (SET NX with a TTL), and the rest of a long reply
// can be asked for on any replica. Keys carry a prefix so that several deployments can
// share one Redis.
//
// When Redis fails, the store logs it once per outage, counts it, and falls back on
// memory (per-process de-duplication and cursors) so that every command is still
// answered; it goes back to Redis when Redis answers again.
package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/incumbent/incumbent/bot"
)

// Store is the Redis store. Its methods are safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
	logger *slog.Logger

	fallback Fallback
	down     atomic.Bool
	retryAt  atomic.Int64 // while down: when to try Redis again (Unix nanoseconds)
	failures atomic.Int64
	trips    atomic.Int64
}

// The interfaces Store implements. Those other adapters declare (slack's and teams'
// Deduper, slack's Cursors) are checked where cmd/incumbent wires them.
var (
	_ bot.KV      = (*Store)(nil)
	_ bot.KVBatch = (*Store)(nil)
	_ bot.Locker  = (*Store)(nil)
)

// Fallback is the per-process state a Store answers from while Redis is down, and
// which FirstSeen asks first (adapters/memory's Store). FirstSeen's error, when its
// memory is full (*memory.FullError), is passed on.
type Fallback interface {
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
	PutCursor(ctx context.Context, id string, data []byte, ttl time.Duration) error
	TakeCursor(ctx context.Context, id string) ([]byte, bool, error)
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	SetAll(ctx context.Context, entries []bot.KVEntry) error
	Acquire(ctx context.Context, name string, ttl time.Duration) (string, bool, error)
	Release(ctx context.Context, name, token string) (bool, error)
}

// retryEvery is how often a store whose Redis is down tries it again; in between, calls
// go straight to memory instead of waiting on a dead connection.
const retryEvery = 2 * time.Second

// Options configure a Store.
type Options struct {
	// URL is a redis:// or rediss:// (TLS) URL, parsed with redis.ParseURL. Its
	// password, database and TLS also apply to Addrs.
	URL string
	// Addrs, when set, are several Redis addresses for go-redis's universal client:
	// Sentinels with MasterName, else a Cluster's nodes.
	Addrs      []string
	MasterName string
	// Prefix starts every key ("incumbent:" when empty).
	Prefix string
	Logger *slog.Logger
	// Fallback is what the store answers from while Redis is down (required).
	Fallback Fallback
}

// Open connects to Redis. It does not fail when Redis does not answer yet: the store
// starts on its memory fallback and moves to Redis when it answers; Ping says which.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Fallback == nil {
		return nil, errors.New("redis: Options.Fallback is required")
	}
	opt, err := redis.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	// Fail fast: a command waits on Redis at most about a second, once.
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = time.Second, 500*time.Millisecond, 500*time.Millisecond
	opt.MaxRetries = 1
	var client redis.UniversalClient = redis.NewClient(opt)
	if len(o.Addrs) > 0 {
		client = redis.NewUniversalClient(&redis.UniversalOptions{
			Addrs: o.Addrs, MasterName: o.MasterName, Username: opt.Username, Password: opt.Password, DB: opt.DB,
			TLSConfig: opt.TLSConfig, DialTimeout: opt.DialTimeout, ReadTimeout: opt.ReadTimeout,
			WriteTimeout: opt.WriteTimeout, MaxRetries: opt.MaxRetries,
		})
	}
	s := &Store{client: client, prefix: o.Prefix, logger: o.Logger, fallback: o.Fallback}
	client.AddHook(tripCounter{&s.trips})
	if s.prefix == "" {
		s.prefix = "incumbent:"
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	// go-redis's own messages (every failed dial) would repeat the store's one log line
	// per outage: they go to the debug level.
	setLogger.Do(func() { redis.SetLogger(debugLog{s.logger}) })
	s.Ping(ctx)
	return s, nil
}

// setLogger sets go-redis's logger (a global) once.
var setLogger sync.Once

// debugLog passes go-redis's messages to slog at the debug level.
type debugLog struct{ l *slog.Logger }

func (d debugLog) Printf(ctx context.Context, format string, v ...any) {
	d.l.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// Close closes the connections.
func (s *Store) Close() error { return s.client.Close() }

// Ping checks Redis, for readiness; it also notices an outage's end (it always tries).
func (s *Store) Ping(ctx context.Context) error {
	err := s.client.Ping(ctx).Err()
	s.note(ctx, err)
	return err
}

// RoundTrips counts the round trips to Redis: a command, or a pipeline of several.
func (s *Store) RoundTrips() int64 { return s.trips.Load() }

// tripCounter is a go-redis hook that counts round trips.
type tripCounter struct{ n *atomic.Int64 }

func (tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}

func (c tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// Failures counts the Redis calls that failed and fell back on memory.
func (s *Store) Failures() int64 { return s.failures.Load() }

// skip reports whether Redis is down and not due for another try: the call goes to
// memory at once.
func (s *Store) skip() bool {
	if !s.down.Load() {
		return false
	}
	if time.Now().UnixNano() < s.retryAt.Load() {
		s.failures.Add(1)
		return true
	}
	return false
}

// note records whether a call reached Redis: the first failure of an outage and its end
// are logged once each.
func (s *Store) note(ctx context.Context, err error) {
	if err != nil && !errors.Is(err, redis.Nil) {
		s.failures.Add(1)
		s.retryAt.Store(time.Now().Add(retryEvery).UnixNano())
		if s.down.CompareAndSwap(false, true) {
			s.logger.ErrorContext(ctx, "redis: unavailable; de-duplication and cursors fall back on this process's memory until it answers", "err", err)
		}
		return
	}
	if s.down.CompareAndSwap(true, false) {
		s.logger.InfoContext(ctx, "redis: answering again")
	}
}

// failed reports whether err means Redis could not be used (as opposed to a miss).
func failed(err error) bool { return err != nil && !errors.Is(err, redis.Nil) }

// FirstSeen records key for ttl with SET NX and reports whether it was not already
// recorded. This process's memory records every key too, and is asked first: what this
// process has seen stays seen across an outage's start and end (a retry that reaches
// the same replica is never processed twice), and only its one first caller goes on to
// Redis, which decides between replicas. While Redis is down the memory alone answers.
// When the memory is full of marks in their time (*memory.FullError), Redis alone
// decides; if Redis is down too, that error is returned: nothing is known of the key.
func (s *Store) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	local, memErr := s.fallback.FirstSeen(ctx, key, ttl)
	if memErr == nil && !local {
		return false, nil
	}
	if s.skip() {
		return local, memErr
	}
	ok, err := s.client.SetNX(ctx, s.prefix+"seen:"+key, 1, ttl).Result()
	s.note(ctx, err)
	if failed(err) {
		return local, memErr
	}
	return ok, nil
}

// PutCursor keeps data under id for ttl.
func (s *Store) PutCursor(ctx context.Context, id string, data []byte, ttl time.Duration) error {
	if s.skip() {
		return s.fallback.PutCursor(ctx, id, data, ttl)
	}
	err := s.client.Set(ctx, s.prefix+"cursor:"+id, data, ttl).Err()
	s.note(ctx, err)
	if failed(err) {
		return s.fallback.PutCursor(ctx, id, data, ttl)
	}
	return nil
}

// TakeCursor returns and deletes the data under id (GETDEL); false when there is none.
// While Redis is down this process's memory answers.
func (s *Store) TakeCursor(ctx context.Context, id string) ([]byte, bool, error) {
	if s.skip() {
		return s.fallback.TakeCursor(ctx, id)
	}
	b, err := s.client.GetDel(ctx, s.prefix+"cursor:"+id).Bytes()
	s.note(ctx, err)
	switch {
	case failed(err):
		return s.fallback.TakeCursor(ctx, id)
	case errors.Is(err, redis.Nil):
		// Kept in memory during an outage, perhaps.
		return s.fallback.TakeCursor(ctx, id)
	}
	return b, true, nil
}

// Get returns the value of a session key; false when there is none.
func (s *Store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if s.skip() {
		return s.fallback.Get(ctx, key)
	}
	b, err := s.client.Get(ctx, s.prefix+"kv:"+key).Bytes()
	s.note(ctx, err)
	switch {
	case failed(err), errors.Is(err, redis.Nil):
		return s.fallback.Get(ctx, key)
	}
	return b, true, nil
}

// Set keeps a session value for ttl.
func (s *Store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if s.skip() {
		return s.fallback.Set(ctx, key, value, ttl)
	}
	err := s.client.Set(ctx, s.prefix+"kv:"+key, value, ttl).Err()
	s.note(ctx, err)
	if failed(err) {
		return s.fallback.Set(ctx, key, value, ttl)
	}
	return nil
}

// SetAll keeps several session values in one round trip (a pipeline).
func (s *Store) SetAll(ctx context.Context, entries []bot.KVEntry) error {
	if s.skip() {
		return s.fallback.SetAll(ctx, entries)
	}
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, e := range entries {
			p.Set(ctx, s.prefix+"kv:"+e.Key, e.Value, e.TTL)
		}
		return nil
	})
	s.note(ctx, err)
	if failed(err) {
		return s.fallback.SetAll(ctx, entries)
	}
	return nil
}

// Acquire takes the lock name for ttl with SET NX and a random token, unless someone
// holds it. While Redis is down the lock is this process's only: a job guarded by it
// may then run on more than one replica, which the caller must tolerate or refuse (err
// is nil, and Down reports the outage).
func (s *Store) Acquire(ctx context.Context, name string, ttl time.Duration) (string, bool, error) {
	if s.skip() {
		return s.fallback.Acquire(ctx, name, ttl)
	}
	var b [16]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	ok, err := s.client.SetNX(ctx, s.prefix+"lock:"+name, token, ttl).Result()
	s.note(ctx, err)
	if failed(err) {
		return s.fallback.Acquire(ctx, name, ttl)
	}
	if !ok {
		return "", false, nil
	}
	return token, true, nil
}

// releaseScript deletes a lock only if it still holds the caller's token.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`)

// Release frees the lock name if token still holds it (a Lua script: compare and
// delete at once), so a holder whose lock expired and was taken by another cannot free
// the other's.
func (s *Store) Release(ctx context.Context, name, token string) (bool, error) {
	if s.skip() {
		return s.fallback.Release(ctx, name, token)
	}
	n, err := releaseScript.Run(ctx, s.client, []string{s.prefix + "lock:" + name}, token).Int()
	s.note(ctx, err)
	if failed(err) {
		return s.fallback.Release(ctx, name, token)
	}
	return n == 1, nil
}

// Down reports whether Redis is down (the store is working from memory).
func (s *Store) Down() bool { return s.down.Load() }
