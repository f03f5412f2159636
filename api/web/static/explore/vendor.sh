#!/usr/bin/env bash
# Refreshes the vendored Cytoscape.js build from npm at the version pinned in package-lock.json.
# The copy is committed, so neither the service nor its tests need npm or a CDN at run time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
npm ci --prefix "$work" --no-audit --no-fund --silent
modules="$work/node_modules"
cp "$modules/cytoscape/dist/cytoscape.min.js" "$here/"
cp "$modules/cytoscape/LICENSE" "$here/LICENSE.cytoscape"
echo "vendored cytoscape $(node -p "require('$modules/cytoscape/package.json').version")"
