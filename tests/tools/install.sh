#!/usr/bin/env bash
# Test tools outside PyPI, installed once on a fresh machine: the GraphQL-over-HTTP audit (npm, pinned by
# tests/http_audit/package-lock.json), Debian's chromium + chromium-driver for the browser tests, and Debian's
# prometheus (with promtool) for the test that has a real Prometheus scrape the service.
# Idempotent and quick when everything is there; `make test` and the session fixtures call it.
set -euo pipefail
cd "$(dirname "$0")/../.."

audit() {
    local dir=tests/http_audit stamp
    stamp="$dir/node_modules/.lock-$(cksum "$dir/package-lock.json" | cut -d' ' -f1)"
    [[ -e "$stamp" ]] && return
    command -v npm >/dev/null || { echo "npm is needed for the GraphQL-over-HTTP audit (apt-get install nodejs npm)" >&2; exit 1; }
    npm ci --prefix "$dir" --no-audit --no-fund --silent
    touch "$stamp"
}

browser() {
    command -v chromium >/dev/null && command -v chromedriver >/dev/null && return
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
}

prometheus() {
    command -v prometheus >/dev/null && command -v promtool >/dev/null && return
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    # The package's service is not started (policy-rc.d-less containers just skip it): the test runs its own.
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends prometheus >/dev/null
}

case "${1:-all}" in
    audit) audit ;;
    browser) browser ;;
    prometheus) prometheus ;;
    all) audit; browser; prometheus ;;
    *) echo "usage: $0 [audit|browser|prometheus|all]" >&2; exit 2 ;;
esac
