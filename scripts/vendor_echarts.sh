#!/bin/sh
# Vendors Apache ECharts (the platform's one chart library) from its npm package, pinned, with
# its licence and notice, into static/vendor/echarts/. Served by the project: no CDN.
# Usage: scripts/vendor_echarts.sh   (needs npm and the npm registry; run from anywhere)
set -eu
VERSION=6.1.0
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST="$ROOT/static/vendor/echarts"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack --silent "echarts@$VERSION" >/dev/null 2>&1
tar xzf "echarts-$VERSION.tgz"
test "$(node -p "require('./package/package.json').version")" = "$VERSION"
mkdir -p "$DEST"
rm -f "$DEST"/echarts-*.min.js
cp package/dist/echarts.min.js "$DEST/echarts-$VERSION.min.js"
cp package/LICENSE "$DEST/LICENSE"
cp package/NOTICE "$DEST/NOTICE"
echo "static/vendor/echarts/echarts-$VERSION.min.js"
