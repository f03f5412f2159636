#!/usr/bin/env bash
# Test tools outside PyPI, installed once on a fresh machine: the GraphQL-over-HTTP audit and axe-core (npm,
# pinned by the package-lock.json of tests/http_audit/ and tests/browser_audit/), Debian's chromium + chromium-driver for the browser tests, and Debian's
# prometheus (with promtool) for the test that has a real Prometheus scrape the service, and Jaeger (a trace
# store receiving OTLP) built from its Go module, pinned with its hashes by tests/tools/jaeger/go.sum.
# Idempotent and quick when everything is there; `make test` and the session fixtures call it.
set -euo pipefail
cd "$(dirname "$0")/../.."

audit() {
    npm_tree tests/http_audit
    npm_tree tests/browser_audit  # axe-core, for the explorer's accessibility audit
}

npm_tree() {
    local dir=$1 stamp
    stamp="$dir/node_modules/.lock-$(cksum "$dir/package-lock.json" | cut -d' ' -f1)"
    [[ -e "$stamp" ]] && return
    command -v npm >/dev/null || { echo "npm is needed for the GraphQL-over-HTTP and accessibility audits (apt-get install nodejs npm)" >&2; exit 1; }
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

jaeger() {
    # About five minutes of compiling on two cores, once per machine: the tests start it in the background.
    local version binary
    version=$(awk '$1 == "github.com/jaegertracing/jaeger" {print $2}' tests/tools/jaeger/go.mod)
    binary=".tools/jaeger-$version"
    [[ -x "$binary" ]] && return
    command -v go >/dev/null || { echo "Go is needed to build Jaeger for the trace test (apt-get install golang)" >&2; exit 1; }
    mkdir -p .tools
    (cd tests/tools/jaeger && go build -trimpath -o "../../../$binary.partial" github.com/jaegertracing/jaeger/cmd/jaeger)
    mv "$binary.partial" "$binary"
}

case "${1:-all}" in
    audit) audit ;;
    browser) browser ;;
    prometheus) prometheus ;;
    jaeger) jaeger ;;
    all) audit; browser; prometheus ;;  # not jaeger: the tests build it beside the run (tests/test_jaeger.py)
    *) echo "usage: $0 [audit|browser|prometheus|jaeger|all]" >&2; exit 2 ;;
esac
