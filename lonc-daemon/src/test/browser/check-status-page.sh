#!/usr/bin/env bash
# Opens the status page that StatusPageTest wrote (lonc-daemon/target/status-page/loncstatus.html)
# in headless Chromium, as an operator's browser would from the file system: a screenshot, and the
# page as Chromium laid it out (printed to PDF, its text read back with pdftotext) must show every
# host with its state and the table's headings. Skipped, with a message, where there is no
# Chromium. Run by .ci/run after 'mvn verify'; the screenshot stays in target/status-page/.
set -euo pipefail
cd "$(dirname "$0")/../../.."   # lonc-daemon
out=target/status-page
page="$PWD/$out/loncstatus.html"
if [ ! -f "$page" ]; then
    echo "check-status-page: FAILED: $page is missing; StatusPageTest writes it during 'mvn verify'" >&2
    exit 1
fi
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "check-status-page: SKIPPED: no Chromium here (Debian: apt-get install chromium poppler-utils)"
    exit 0
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# the flags a closed network and a root user need (no sandbox, no background connections)
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$profile")
rm -f "$out/loncstatus.png" "$out/loncstatus.pdf"
timeout 60 "$browser" "${flags[@]}" --window-size=1400,300 --screenshot="$out/loncstatus.png" \
    "file://$page" >"$out/chromium.log" 2>&1
timeout 60 "$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$out/loncstatus.pdf" \
    "file://$page" >>"$out/chromium.log" 2>&1

fail() {
    echo "check-status-page: FAILED: $*" >&2
    exit 1
}
[ -s "$out/loncstatus.png" ] || fail "no screenshot (see $out/chromium.log)"
[ "$(head -c 8 "$out/loncstatus.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
    || fail "the screenshot is not a PNG"
[ "$(stat -c %s "$out/loncstatus.png")" -gt 5000 ] || fail "the screenshot is (nearly) empty"
[ -s "$out/loncstatus.pdf" ] || fail "no PDF (see $out/chromium.log)"
if command -v pdftotext >/dev/null 2>&1; then
    text=$(pdftotext -layout "$out/loncstatus.pdf" -)
    how="the rendered page (pdftotext)"
else
    text=$(timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$page" 2>/dev/null | sed 's/<[^>]*>/ /g')
    how="the DOM Chromium built (no pdftotext here)"
fi
for want in "lonc status: msua3" "host" "state" "retries" "deferred" "latency" \
        "a.example.edu" "UP" "b.example.edu" "DEAD" "me.example.edu" "UNKNOWN" "insecure"; do
    grep -qF -- "$want" <<<"$text" || fail "'$want' is not in $how:"$'\n'"$text"
done
# a.example.edu's row: state UP, key mode insecure, its 20 requests
grep -qE 'a\.example\.edu +UP +insecure +1 +0 +2 +0 +20 ' <<<"$text" || [ "$how" != "the rendered page (pdftotext)" ] \
    || fail "a.example.edu's row is not laid out as one line of cells:"$'\n'"$text"
echo "check-status-page: ok: $browser showed every host of $page ($how); screenshot $out/loncstatus.png"
