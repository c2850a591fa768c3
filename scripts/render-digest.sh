#!/usr/bin/env bash
# Looks at the digest the way its readers will, from the golden files of the known week
# (test/fixtures/digest/2021-03-22.*; `UPDATE_GOLDEN=1 npx jest test/integration/digest.test.ts`
# rewrites them):
#
#   1. renders the HTML in headless Chromium at 390 px (a phone) and 1280 px (a desktop client)
#      into docs/digest-390.png and docs/digest-1280.png;
#   2. reads the consolidated workbook back with LibreOffice headless (every sheet to CSV) and
#      checks that every cell exceljs reads is in LibreOffice's reading too.
#
#   bash scripts/render-digest.sh [HTML] [XLSX]
#   HEIGHT=6000 bash scripts/render-digest.sh    (taller screenshots, to see the whole mail)
#
# Needs Debian's chromium and fonts-noto-cjk (apt-get install -y --no-install-recommends chromium
# fonts-noto-cjk) and LibreOffice (soffice); a missing tool is reported and its step skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

html=${1:-test/fixtures/digest/2021-03-22.html}
xlsx=${2:-test/fixtures/digest/2021-03-22.xlsx}
height=${HEIGHT:-2000}
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium_bin ]]; then
  echo "render-digest: chromium not found: apt-get install -y --no-install-recommends chromium fonts-noto-cjk" >&2
  status=1
else
  mkdir -p docs
  for width in 390 1280; do
    "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --no-first-run --hide-scrollbars \
      --user-data-dir="$(mktemp -d -p "$work")" --window-size="$width,$height" \
      --screenshot="docs/digest-$width.png" "file://$(realpath "$html")" >/dev/null 2>&1
    echo "render-digest: docs/digest-$width.png (${width}x${height})"
  done
fi

if ! command -v soffice >/dev/null; then
  echo "render-digest: soffice (LibreOffice) not found; the workbook was not read back" >&2
  status=1
else
  # Token 12 = -1: every sheet, each to <name>-<sheet>.csv (LibreOffice 7.2 and later).
  soffice -env:UserInstallation="file://$work/lo-profile" --headless \
    --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
    --outdir "$work/csv" "$xlsx" >/dev/null 2>&1
  node - "$xlsx" "$work/csv" <<'EOF' || status=1
const fs = require('node:fs');
const path = require('node:path');
const ExcelJS = require('exceljs');
const [xlsx, dir] = process.argv.slice(2);

function parseCsv(text) {
  const cells = [];
  let cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === '\n' || c === '\r') { cells.push(cell); cell = ''; }
    else cell += c;
  }
  cells.push(cell);
  return cells.filter((x) => x !== '');
}
const squash = (s) => s.replace(/\s+/g, '');

(async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsx);
  const base = path.basename(xlsx, '.xlsx');
  let failed = false;
  for (const ws of wb.worksheets) {
    const file = path.join(dir, `${base}-${ws.name}.csv`);
    if (!fs.existsSync(file)) {
      console.error(`render-digest: LibreOffice wrote no CSV for sheet ${ws.name}`);
      failed = true;
      continue;
    }
    const seen = new Set(parseCsv(fs.readFileSync(file, 'utf8')).map(squash));
    const all = [...seen].join('\n');
    let cells = 0;
    const missing = [];
    ws.eachRow((row) =>
      row.eachCell((c) => {
        if (c.isMerged && c.master !== c) return;
        const text = squash(String(c.text ?? ''));
        if (text === '') return;
        cells++;
        if (!seen.has(text) && !all.includes(text)) missing.push(`${c.address}: ${text.slice(0, 40)}`);
      }),
    );
    console.log(`render-digest: LibreOffice read sheet ${ws.name}: ${cells - missing.length}/${cells} cells as exceljs reads them`);
    for (const m of missing) console.error(`  missing ${m}`);
    if (missing.length) failed = true;
  }
  process.exit(failed ? 1 : 0);
})().catch((err) => { console.error(err); process.exit(1); });
EOF
fi
exit "$status"
