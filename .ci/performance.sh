#!/usr/bin/env bash
# The performance report: builds the benchmark data set (the demo company, N accounts,
# 24 months to 2026-11-27), runs every benchmark the project has, and writes what it
# measured, with the machine and the commands, into docs/PERFORMANCE.md between the
# "report" markers (the hand-written analysis below them is left as it is).
#
#   .ci/performance.sh                 # N=20000, then N=100000: about 35 minutes on 2 vCPUs
#   SCALE_ACCOUNTS=0 .ci/performance.sh                   # N=20000 alone: about 20 minutes
#   ACCOUNTS=1000 SCALE_ACCOUNTS=2000 .ci/performance.sh  # a quick run (not the goals' sizes)
#
# WORK (default /tmp/incumbent-perf) keeps the data sets (and their day's splits) between
# runs. Redis (REDIS_URL,
# else a local one on 6379) and PostgreSQL (DATABASE_URL, else the local cluster) are
# used when they answer and skipped, saying so, when not. Needs Go, the sqlite3 shell and
# GNU time; psql for the PostgreSQL reference.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${ACCOUNTS:-20000}"
WORK="${WORK:-/tmp/incumbent-perf}"
DATA="$WORK/data-$N"
DB="$WORK/bench-$N.db"
S="${SCALE_ACCOUNTS:-100000}" # the scale run's size; 0: none
REPORT="$WORK/report.md"
# The services are passed to each step that uses one; the rest (the SQLite imports, the
# benchmarks, the served process under load) must not pick them up from the caller.
pg_base="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
unset DATABASE_URL REDIS_URL
mkdir -p "$WORK"
say() { echo "== $*" >&2; }
# timed CMD...: runs CMD, printing its output, and sets WALL (s) and RSS (MB) from GNU time.
timed() {
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@"
  read -r WALL RSS_KB <"$WORK/time"
  RSS=$((RSS_KB / 1024))
}

# split_day DATA: the day's delta of the data set DATA. BASE is a directory with every
# file of DATA, but whose sales.csv lacks the lines of the last day (DAY, the last line's
# date); DELTA holds only sales-DAY.csv, the header and those lines (DELTA_LINES). Both
# are kept beside DATA between runs.
split_day() {
  BASE="$1-base" DELTA="$1-day"
  DAY=$(tail -n 1 "$1/sales.csv" | cut -d, -f1)
  if [ ! -s "$BASE/sales.csv" ] || [ "$1/sales.csv" -nt "$BASE/sales.csv" ] || [ ! -s "$DELTA/sales-$DAY.csv" ]; then
    rm -rf "$BASE" "$DELTA"
    mkdir -p "$BASE" "$DELTA"
    for f in "$1"/*.csv; do case "$f" in */sales.csv) ;; *) ln -sf "$f" "$BASE/" ;; esac; done
    LC_ALL=C awk -F, -v day="$DAY" -v out="$DELTA/sales-$DAY.csv" \
      'NR == 1 { print > out; print; next } $1 == day { print > out; next } { print }' "$1/sales.csv" >"$BASE/sales.csv.tmp"
    mv "$BASE/sales.csv.tmp" "$BASE/sales.csv"
  fi
  DELTA_LINES=$(($(wc -l <"$DELTA/sales-$DAY.csv") - 1))
}

say "building"
go build -o "$WORK/incumbent" ./cmd/incumbent
go build -o "$WORK/incumbent-load" ./cmd/incumbent-load
inc="$WORK/incumbent"

if [ ! -s "$DATA/sales.csv" ]; then
  say "the data set: $N accounts"
  rm -rf "$DATA"
  timed "$inc" demo --accounts "$N" --end 2026-11-27 "$DATA" >/dev/null
  demo_wall="$WALL s"
else
  demo_wall="(kept from an earlier run)"
fi
sales_lines=$(($(wc -l <"$DATA/sales.csv") - 1))

{
  echo "<!-- report:begin (written by .ci/performance.sh; do not edit by hand) -->"
  echo "## Report: N=$N, $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) vCPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
  echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3), SQLite shell $(sqlite3 --version | cut -d' ' -f1)."
  echo "Reproduce: \`ACCOUNTS=$N SCALE_ACCOUNTS=$S .ci/performance.sh\`; each figure is one run (expect ±15% between runs)."
  echo
  echo "| what | goal | measured |"
  echo "|---|---|---:|"
} >"$REPORT"
row() { echo "| $1 | $2 | $3 |" >>"$REPORT"; }
row "the data set (\`incumbent demo --accounts $N\`)" "" "$demo_wall, $sales_lines sales lines"

say "import into SQLite, and the sqlite3 shell's .import of the same sales.csv"
mkdir -p "$WORK/master" "$WORK/sales"
for f in territories people accounts products; do ln -sf "$DATA/$f.csv" "$WORK/master/"; done
ln -sf "$DATA/sales.csv" "$WORK/sales/"
rm -f "$WORK"/s.db*
"$inc" import --db "$WORK/s.db" "$WORK/master" >/dev/null
timed "$inc" import --db "$WORK/s.db" "$WORK/sales" >"$WORK/import.out"
cat "$WORK/import.out" >&2
import_wall=$WALL import_rss=$RSS
# the file's line: "sales.csv  5,034,999 rows in  10.353s  486,338 rows/s"
file_rate() { grep 'sales.csv.*rows/s' "$1" | awk '{ for (i = 1; i <= NF; i++) if ($i == "rows/s") { gsub(",", "", $(i-1)); print $(i-1) } }'; }
file_rate=$(file_rate "$WORK/import.out")
rm -f "$WORK/shell.db"
timed sqlite3 "$WORK/shell.db" \
  -cmd "CREATE TABLE sales(date TEXT, account_id TEXT, sku TEXT, quantity REAL, amount REAL, cost REAL, invoice_id TEXT);" \
  ".mode csv" ".import --skip 1 $DATA/sales.csv sales"
shell_wall=$WALL
rate() { awk -v n="$sales_lines" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "?" }'; }
row "sqlite3 shell \`.import\` of sales.csv, plain table (the reference)" "" "$(rate "$shell_wall") lines/s"
shell_rate=$(rate "$shell_wall")
if [ -n "$file_rate" ]; then
  row "\`incumbent import\` of sales.csv: read, check, write" "≥ 50% of the shell" "$file_rate lines/s ($(awk -v a="$file_rate" -v b="$shell_rate" 'BEGIN{printf "%.0f%%", 100*a/b}'))"
fi
row "\`incumbent import\` of sales.csv end to end (with the read model)" "" "$(rate "$import_wall") lines/s, peak $import_rss MB"
rm -f "$WORK"/s.db* "$WORK/shell.db"

say "the whole data set into the benchmark database, and the sqlite3 shell's .import of the same files"
rm -f "$DB"*
timed "$inc" import --db "$DB" "$DATA" >/dev/null
full_wall=$WALL full_rss=$RSS
# The shell creates each table from its file's header: plain, untyped, no index.
shell_imports=()
for f in "$DATA"/*.csv; do shell_imports+=(".import $f $(basename "$f" .csv)"); done
rm -f "$WORK/shell.db"
timed sqlite3 "$WORK/shell.db" ".mode csv" "${shell_imports[@]}"
rm -f "$WORK/shell.db"
times_shell() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }'; }
row "full import of all ${#shell_imports[@]} files, end to end" "≤ 2.5× the shell" \
  "$full_wall s ($(times_shell "$full_wall" "$WALL")× the shell's $WALL s), peak $full_rss MB"
sqlite3 "$DB" "DELETE FROM digest_deliveries; DELETE FROM digest_snapshots;" # every run starts with its digests due

say "a day's file into the $N-account set: the data set without its last day, then that day"
split_day "$DATA"
day_base=$BASE day_delta=$DELTA day_lines=$DELTA_LINES
rm -f "$WORK"/day.db*
"$inc" import --db "$WORK/day.db" "$day_base" >/dev/null
timed "$inc" import --db "$WORK/day.db" "$day_delta" >/dev/null
row "a day's file ($day_lines lines) into the $N-account set, SQLite, end to end" "< 1 s" "$WALL s, peak $RSS MB"
timed "$inc" import --db "$WORK/day.db" "$day_delta" >/dev/null
row "the same day's file again (it replaces the same source), SQLite" "about the same" "$WALL s, peak $RSS MB"
rm -f "$WORK"/day.db*

if psql_ok=$(pg_isready -q -h 127.0.0.1 2>/dev/null && echo yes) && [ -n "$psql_ok" ] && command -v psql >/dev/null; then
  say "PostgreSQL: import, and psql \\copy of the same sales.csv"
  schema="perf_$$"
  base="$pg_base"
  psql -q "$base" -c "CREATE SCHEMA $schema"
  pgurl="$base&search_path=$schema"
  DATABASE_URL="$pgurl" "$inc" import "$WORK/master" >/dev/null
  timed env DATABASE_URL="$pgurl" "$inc" import "$WORK/sales" >"$WORK/pgimport.out"
  cat "$WORK/pgimport.out" >&2
  pg_wall=$WALL
  pg_rate=$(file_rate "$WORK/pgimport.out")
  export PGOPTIONS="-c search_path=$schema" # psql takes no search_path in its URL
  psql -q "$base" -c "CREATE TABLE copyref(date text, account_id text, sku text, quantity float8, amount float8, cost float8, invoice_id text)"
  timed psql -q "$base" -c "\\copy copyref FROM '$DATA/sales.csv' CSV HEADER"
  unset PGOPTIONS
  copy_wall=$WALL
  # The rest of the data set, for the gap benchmarks on PostgreSQL below; the schema
  # is dropped when the script ends.
  trap 'PGOPTIONS="-c client_min_messages=warning" psql -q "$base" -c "DROP SCHEMA IF EXISTS $schema CASCADE"' EXIT
  mkdir -p "$WORK/rest"
  for f in "$DATA"/*.csv; do case "$f" in */sales.csv) ;; *) ln -sf "$f" "$WORK/rest/" ;; esac; done
  DATABASE_URL="$pgurl" "$inc" import "$WORK/rest" >/dev/null
  # A day's file: sales.csv replaced by the base's (the day's lines out), then the day.
  # The schema ends with the whole data set again, for the benchmarks.
  mkdir -p "$WORK/basesales"
  ln -sf "$day_base/sales.csv" "$WORK/basesales/"
  DATABASE_URL="$pgurl" "$inc" import "$WORK/basesales" >/dev/null
  timed env DATABASE_URL="$pgurl" "$inc" import "$day_delta" >/dev/null
  pg_day="$WALL s, peak $RSS MB"
  pg_bench_url=$pgurl
  copy_rate=$(rate "$copy_wall")
  row "psql \`\\copy\` of sales.csv, plain table (the reference)" "" "$copy_rate lines/s"
  if [ -n "$pg_rate" ]; then
    row "\`incumbent import\` into PostgreSQL: read, check, COPY" "≥ 50% of \\copy" "$pg_rate lines/s ($(awk -v a="$pg_rate" -v b="$copy_rate" 'BEGIN{printf "%.0f%%", 100*a/b}'))"
  fi
  row "\`incumbent import\` into PostgreSQL end to end" "" "$(rate "$pg_wall") lines/s"
  row "a day's file ($day_lines lines) into the $N-account set, PostgreSQL, end to end" "< 2 s" "$pg_day"
else
  row "PostgreSQL import" "" "skipped: no PostgreSQL answering on 127.0.0.1"
fi

say "benchmarks"
export INCUMBENT_BENCH_DB="$DB"
bench() { # pattern benchtime
  go test -run XXX -bench "$1" -benchtime "$2" ./cmd/incumbent 2>&1 | grep -E '^Benchmark' | tee -a "$WORK/bench.out" >&2
}
: >"$WORK/bench.out"
bench 'BenchmarkGap(Account|Territory|Market)$' 50x
bench 'BenchmarkGrade(Account|Territory)$|BenchmarkDeal$' 50x
bench 'BenchmarkDigestAll$' 3x
bench 'BenchmarkSlackGap$' 400x
bench 'BenchmarkParseWorst$|BenchmarkResolve$' 20x
INCUMBENT_BENCH_DATA="$DATA" bench 'BenchmarkGapDuringImport$' 1x
# A CRM sync of a company of N accounts through the Salesforce stand-in (issue 39).
INCUMBENT_BENCH_ACCOUNTS="$N" bench 'BenchmarkSyncSalesforce$' 3x
# The bot's own (the demo company of 200 accounts): drawing a chart, reading a question.
go test -run XXX -bench 'BenchmarkChart$|BenchmarkRulesRouter$' -benchtime 50x ./bot 2>&1 | grep -E '^Benchmark' | tee -a "$WORK/bench.out" >&2
if [ -n "${pg_bench_url:-}" ]; then
  INCUMBENT_BENCH_DATABASE_URL="$pg_bench_url" go test -run XXX -bench 'BenchmarkGap(Account|Territory|Market)$' -benchtime 20x ./cmd/incumbent 2>&1 |
    grep -E '^Benchmark' | sed 's/^Benchmark/PostgreSQL-Benchmark/' | tee -a "$WORK/bench.out" >&2
fi
if redis-cli -u "$redis_url" ping >/dev/null 2>&1; then
  REDIS_URL="$redis_url" bench 'BenchmarkGapRedisCache$' 300x
else
  row "\`gap\` with the reply cache in Redis" "" "skipped: no Redis answering at $redis_url"
fi
metric() { # benchmark-name unit: the value before unit on its line
  awk -v b="$1" -v u="$2" '$1 ~ "^"b"-[0-9]+$" { for (i = 2; i <= NF; i++) if ($i == u) print $(i-1) }' "$WORK/bench.out" | head -1
}
row "\`gap <account>\`, cold (p50 / p99)" "p99 < 5 ms" "$(metric BenchmarkGapAccount/cold p50-ms) / $(metric BenchmarkGapAccount/cold p99-ms) ms"
row "\`gap <account>\`, warm" "" "$(metric BenchmarkGapAccount/warm p50-ms) / $(metric BenchmarkGapAccount/warm p99-ms) ms"
row "\`gap territory\`, cold" "< 100 ms" "$(metric BenchmarkGapTerritory/cold p50-ms) / $(metric BenchmarkGapTerritory/cold p99-ms) ms"
row "\`gap market\`, cold" "< 1 s" "$(metric BenchmarkGapMarket/cold p50-ms) / $(metric BenchmarkGapMarket/cold p99-ms) ms"
row "\`gap <account>\` while a full import runs (p50 / p99)" "" "$(metric BenchmarkGapDuringImport p50-ms) / $(metric BenchmarkGapDuringImport p99-ms) ms, $(metric BenchmarkGapDuringImport calls) calls cold during the import's $(metric BenchmarkGapDuringImport import-s) s"
if [ -n "${pg_bench_url:-}" ]; then
  for b in GapAccount GapTerritory GapMarket; do
    row "the same on PostgreSQL: \`$(echo $b | sed 's/Gap/gap /; s/Account/<account>/; s/Territory/territory/; s/Market/market/')\`, cold / warm (p50 / p99)" "" \
      "$(metric PostgreSQL-Benchmark$b/cold p50-ms) / $(metric PostgreSQL-Benchmark$b/cold p99-ms) ms; $(metric PostgreSQL-Benchmark$b/warm p50-ms) / $(metric PostgreSQL-Benchmark$b/warm p99-ms) ms"
  done
fi
for c in GapAccount GapTerritory Growth Grade; do
  row "a chart drawn (issue 41): $c, CPU per chart (wall), PNG size" "≤ 20 ms" \
    "$(metric BenchmarkChart/$c cpu-ms/op) ms ($(awk -v b="BenchmarkChart/$c" '$1 ~ "^"b"-[0-9]+$" { for (i = 2; i <= NF; i++) if ($i == "ns/op") printf "%.1f", $(i-1) / 1e6 }' "$WORK/bench.out") ms), $(metric BenchmarkChart/$c KB) KB"
done
row "a plain question read by the rules router (issue 42)" "< 1 ms" "$(awk '$1 ~ /^BenchmarkRulesRouter-[0-9]+$/ { for (i = 2; i <= NF; i++) if ($i == "ns/op") printf "%.3f", $(i-1) / 1e6 }' "$WORK/bench.out") ms"
row "\`grade <account>\`, cold" "" "$(metric BenchmarkGradeAccount/cold p50-ms) / $(metric BenchmarkGradeAccount/cold p99-ms) ms"
row "\`grade territory\`, cold" "" "$(metric BenchmarkGradeTerritory/cold p50-ms) / $(metric BenchmarkGradeTerritory/cold p99-ms) ms"
row "\`deal …\` priced and saved, cold" "" "$(metric BenchmarkDeal/price-and-save-cold p50-ms) / $(metric BenchmarkDeal/price-and-save-cold p99-ms) ms"
if grep -q BenchmarkGapRedisCache "$WORK/bench.out"; then
  row "\`gap <account>\` through the reply cache in Redis: miss / hit (p50 / p99)" "" "$(metric BenchmarkGapRedisCache/cold p50-ms) / $(metric BenchmarkGapRedisCache/cold p99-ms) ms; $(metric BenchmarkGapRedisCache/warm p50-ms) / $(metric BenchmarkGapRedisCache/warm p99-ms) ms"
fi
worst=$(awk '$1 ~ /^BenchmarkParseWorst\// { for (i = 2; i <= NF; i++) if ($i == "ns/op" && $(i-1) > m) { m = $(i-1); name = $1 } }
  END { sub(/^BenchmarkParseWorst\//, "", name); sub(/-[0-9]+$/, "", name); printf "%.1f ms (%s)", m / 1e6, name }' "$WORK/bench.out")
row "the worst input of any command, nearly 2,000 characters: parsing and resolving (the slowest)" "< 50 ms" "$worst"
row "resolving a name with a typo (\`account kramer stmping\`)" "" "$(awk '$1 ~ /^BenchmarkResolve\/typo-/ { for (i = 2; i <= NF; i++) if ($i == "ns/op") printf "%.2f ms", $(i-1) / 1e6 }' "$WORK/bench.out")"
row "signed \`/gap\` through the Slack handler, 16 at a time (p99, rate)" "" "$(metric BenchmarkSlackGap/gap-c16 p99-ms) ms, $(metric BenchmarkSlackGap/gap-c16 req/s) req/s; bare handler $(metric BenchmarkSlackGap/bare-c16 req/s) req/s"
row "\`incumbent sync salesforce\` of the company through the stand-in (issue 39): every record again / 1% of the opportunities changed" "" \
  "$(awk -v n="$(metric BenchmarkSyncSalesforce/full ns/op)" 'BEGIN{printf "%.2f s", n/1e9}') for $(metric BenchmarkSyncSalesforce/full records) records; $(awk -v n="$(metric BenchmarkSyncSalesforce/changed-1pct ns/op)" 'BEGIN{printf "%.2f s", n/1e9}') for $(metric BenchmarkSyncSalesforce/changed-1pct changed) opportunities"
digest_ns=$(metric BenchmarkDigestAll ns/op)
row "every territory's digest, chart included" "< 10 s" "$(awk -v n="$digest_ns" 'BEGIN{printf "%.1f s", n/1e9}'), peak $(metric BenchmarkDigestAll peak-RSS-MB) MB"

say "digest --all in a fresh process"
timed "$inc" digest --db "$DB" --all --as-of 2026-11-27 >/dev/null
row "\`incumbent digest --all\`, a fresh process" "< 10 s, < 300 MB" "$WALL s, peak $RSS MB"

# Steps of 200 a second around the capacity of 2 vCPUs (about 600 `gap`s a second), so
# that the highest sustained rate is read off closely.
LOAD_RATES=100,200,400,600,800,1000,1200,1600
say "load: signed Slack commands and mentions at rising rates, next to a bare handler"
"$WORK/incumbent-load" --incumbent "$inc" --db "$DB" --accounts "$DATA/accounts.csv" \
  --rates "$LOAD_RATES" --step 3s --max 30000 --server-log "$WORK/serve.log" | tee "$WORK/load.out" >&2 || true
sustained=$(grep -o 'incumbent [0-9]*/s, bare handler [0-9]*/s' "$WORK/load.out" || echo "?")
peak=$(grep -o 'peak [0-9]* MB' "$WORK/load.out" | grep -o '[0-9]*' || echo "?")
row "highest rate with acknowledgement p99 < 100 ms and no errors" "" "$sustained"
row "commands lost or answered twice under load" "none" "$(grep -o 'lost [0-9]*, answered twice [0-9]*' "$WORK/load.out" || echo '?')"
row "serving process, resident peak (digests due at start-up, built during the load)" "< 300 MB" "$peak MB"
row "weekly digests the server built and posted during the load" "" "$(grep -o 'posted meanwhile: [0-9]*' "$WORK/load.out" | grep -o '[0-9]*$' || echo '?')"

if [ "$S" != 0 ] && [ "$S" != "$N" ]; then
  SDATA="$WORK/data-$S"
  if [ ! -s "$SDATA/sales.csv" ]; then
    say "the data set at scale: $S accounts"
    rm -rf "$SDATA"
    "$inc" demo --accounts "$S" --end 2026-11-27 "$SDATA" >/dev/null
  fi
  say "scale: the $S-account set's full import, then a day's file into it"
  rm -f "$WORK"/scale.db*
  timed "$inc" import --db "$WORK/scale.db" "$SDATA" >/dev/null
  size=$(du -cb "$WORK"/scale.db* | awk 'END { printf "%.1f GB", $1 / 1e9 }')
  row "N=$S: full import" "" "$WALL s, peak $RSS MB, $size; $(($(wc -l <"$SDATA/sales.csv") - 1)) sales lines"
  # Into the same database: its sales.csv replaced by the base's, then the day.
  split_day "$SDATA"
  mkdir -p "$WORK/basesales-scale"
  ln -sf "$BASE/sales.csv" "$WORK/basesales-scale/"
  "$inc" import --db "$WORK/scale.db" "$WORK/basesales-scale" >/dev/null
  timed "$inc" import --db "$WORK/scale.db" "$DELTA" >/dev/null
  row "N=$S: a day's delta" "" "$WALL s, peak $RSS MB; $DELTA_LINES lines"
  rm -f "$WORK"/scale.db*
fi

{
  echo
  echo "The benchmarks' own lines (\`INCUMBENT_BENCH_DB=$DB go test -run XXX -bench … ./cmd/incumbent\`;"
  echo "BenchmarkGapDuringImport with \`INCUMBENT_BENCH_DATA=$DATA\` too, the files it imports into a copy of the database;"
  echo "the PostgreSQL- ones with \`INCUMBENT_BENCH_DATABASE_URL=postgres://…\` instead, a schema holding the same data):"
  echo
  echo '```'
  cat "$WORK/bench.out"
  echo '```'
  echo
  echo "The load (\`incumbent-load --incumbent incumbent --db $DB --accounts accounts.csv --rates $LOAD_RATES --step 3s\`):"
  echo
  echo '```'
  cat "$WORK/load.out"
  echo '```'
  echo "<!-- report:end -->"
} >>"$REPORT"

say "writing docs/PERFORMANCE.md"
doc=docs/PERFORMANCE.md
if grep -q '<!-- report:begin' "$doc"; then
  awk -v report="$REPORT" '
    /<!-- report:begin/ { while ((getline line < report) > 0) print line; skip = 1; next }
    /<!-- report:end -->/ { skip = 0; next }
    !skip' "$doc" >"$WORK/doc.md"
else # after the introduction, before the first section
  awk -v report="$REPORT" '
    /^## / && !done { while ((getline line < report) > 0) print line; print ""; done = 1 }
    { print }' "$doc" >"$WORK/doc.md"
fi
cp "$WORK/doc.md" "$doc"
cat "$REPORT"
