// Preloaded (`node --require bench/digest-rss.js bin/duban.js …`) by bench/digest-bench.js to
// learn the peak RSS of a CLI run: writes it as JSON to the file named by DUBAN_BENCH_RSS_FILE.
'use strict';
const fs = require('node:fs');

process.on('exit', () => {
  const file = process.env.DUBAN_BENCH_RSS_FILE;
  if (file) {
    fs.writeFileSync(file, JSON.stringify({ peakMb: process.resourceUsage().maxRSS / 1024 }));
  }
});
