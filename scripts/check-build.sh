#!/usr/bin/env bash
# The compiled build (`node dist/src/server.js`, the Procfile's web process) started twice on an
# empty data folder with its embedded PostgreSQL: the first start loads the demo data, the second
# finds it; both answer the home page, the catalogue and a body's page. Run after `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
chmod 755 "$dir"  # the embedded PostgreSQL runs as another user when started by root
trap 'rm -rf "$dir"' EXIT
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export PORT=$port DATA_DIR="$dir/data" SESSION_SECRET="check-build-secret-check-build-secret-0123" BASE_URL="http://127.0.0.1:$port"
for round in 1 2; do
  log="$dir/server-$round.log"
  node dist/src/server.js >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    grep -q 'è pronto' "$log" && break
    if ! kill -0 "$pid" 2>/dev/null; then echo "start $round: the compiled server exited"; cat "$log"; exit 1; fi
    sleep 1
  done
  grep -q 'è pronto' "$log" || { echo "start $round: not ready"; tail -50 "$log"; kill "$pid"; exit 1; }
  grep 'è pronto' "$log"
  for page in / /catalogo /enti /gare /finanziamenti/avvisi; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$page")
    echo "start $round: GET $page → $code"
    if [ "$code" != 200 ]; then kill "$pid"; tail -50 "$log"; exit 1; fi
  done
  kill -TERM "$pid"
  set +e; wait "$pid"; code=$?; set -e
  if [ "$code" -ne 0 ]; then echo "start $round: exit code $code on SIGTERM"; tail -50 "$log"; exit 1; fi
done
echo "compiled build: two starts on an empty data folder, demo data loaded once, pages answer 200"
