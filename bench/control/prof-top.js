#!/usr/bin/env node
// Prints where a V8 CPU profile (node --cpu-prof; run.js/xmpp.js --cpu-prof <dir>) spent its time: self time
// per function and per file, so the analysis in docs/benchmarks.md can name what bounds a run.
//   node bench/control/prof-top.js <file.cpuprofile> [top=25]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = process.argv[2];
const top = Number(process.argv[3] ?? 25);
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const fns = new Map();
const files = new Map();
for (const [id, us] of dt) {
  const cf = byId.get(id).callFrame;
  const where = cf.url ? path.relative(process.cwd(), cf.url.replace(/^file:\/\//, '')) : '(native)';
  const fn = `${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`;
  fns.set(fn, (fns.get(fn) ?? 0) + us);
  files.set(where, (files.get(where) ?? 0) + us);
}
const show = (title, m) => {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(2)} s sampled)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(6)} s  ${k}`,
    );
};
show('self time by function', fns);
show('self time by file', files);
