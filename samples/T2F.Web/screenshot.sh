#!/usr/bin/env bash
# The README's screenshot of the page: starts T2F.Web on a bundle, opens a shared link in headless chromium (the page
# renders the link's faces on load) and saves the window.
#   samples/T2F.Web/screenshot.sh BUNDLE_DIR [OUT_PNG]      (needs: apt-get install chromium)
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle=${1:?usage: samples/T2F.Web/screenshot.sh BUNDLE_DIR [OUT_PNG]}
out=${2:-docs/images/t2f-web.png}
port=5099
dotnet build samples/T2F.Web -c Release -v q -nologo >/dev/null
dotnet samples/T2F.Web/bin/Release/net10.0/T2F.Web.dll --model "$bundle" --urls "http://127.0.0.1:$port" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 1; done
link="http://127.0.0.1:$port/?text=The%20woman%20has%20wavy%20blond%20hair%20and%20is%20smiling.&seed=0&count=6&truncation=0.7"
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,620 \
  --virtual-time-budget=30000 --screenshot="$out" "$link" 2>/dev/null
echo "wrote $out ($link)"
