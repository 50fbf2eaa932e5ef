#!/usr/bin/env bash
# Vendor the icons the pages use from the npm package lucide-static (ISC licence) into one SVG
# sprite, static/vendor/lucide/sprite.svg, with its licence and version beside it. Served by the
# project itself (no CDN). To add an icon: add its Lucide name to ICONS, run this script, commit
# the result, use it in a template with {% load ui %}{% icon "name" %}. See static/vendor/README.md.
set -euo pipefail

VERSION="${LUCIDE_VERSION:-1.62.0}"
ICONS=(
  search filter download printer chevron-left chevron-right bell log-out map house
  inbox siren users clipboard-list triangle-alert check x plus file-text phone
  languages list-checks wallet chart-column footprints
)

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/static/vendor/lucide"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "lucide-static@$VERSION" >/dev/null && tar xzf "lucide-static-$VERSION.tgz")
mkdir -p "$OUT"
cp "$WORK/package/LICENSE" "$OUT/LICENSE"
echo "lucide-static $VERSION (npm), icons: ${ICONS[*]}" > "$OUT/VERSION"

python3 - "$WORK/package/icons" "$OUT/sprite.svg" "$VERSION" "${ICONS[@]}" <<'PY'
import re
import sys
from pathlib import Path

source, target, version, *names = sys.argv[1:]
symbols = []
for name in names:
    svg = (Path(source) / f"{name}.svg").read_text()
    body = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S).group(1)
    body = " ".join(line.strip() for line in body.splitlines() if line.strip())
    symbols.append(f'<symbol id="{name}" viewBox="0 0 24 24">{body}</symbol>')
Path(target).write_text(
    f"<!-- lucide-static v{version}, ISC licence (LICENSE beside this file); built by scripts/vendor_icons.sh -->\n"
    '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n"
)
print(f"{target}: {len(symbols)} icons")
PY
