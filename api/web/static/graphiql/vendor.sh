#!/usr/bin/env bash
# Refreshes the vendored GraphiQL assets from npm at the versions pinned in package-lock.json.
# The copies are committed, so neither the service nor its tests need npm or a CDN at run time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
npm ci --prefix "$work" --no-audit --no-fund --silent
modules="$work/node_modules"
cp "$modules/graphiql/graphiql.min.js" "$modules/graphiql/graphiql.min.css" "$here/"
cp "$modules/react/umd/react.production.min.js" "$modules/react-dom/umd/react-dom.production.min.js" "$here/"
cp "$modules/graphql-ws/umd/graphql-ws.min.js" "$here/"  # GraphiQL's subscriptions over the service's WebSocket
cp "$modules/graphiql/LICENSE" "$here/LICENSE.graphiql"
cp "$modules/graphql-ws/LICENSE.md" "$here/LICENSE.graphql-ws"
cp "$modules/react/LICENSE" "$here/LICENSE.react"
cp "$modules/react-dom/LICENSE" "$here/LICENSE.react-dom"
echo "vendored graphiql $(node -p "require('$modules/graphiql/package.json').version"), react $(node -p "require('$modules/react/package.json').version"), graphql-ws $(node -p "require('$modules/graphql-ws/package.json').version")"
