// onnxruntime-node's half of ctnn's ONNX export test: runs every model listed in
// DIR/ctnn_models.json on its sample inputs and compares the outputs with ctnn's, to
// |ort - ctnn| <= 1e-5 * (1 + |ctnn|), and the classes.  Exit 0 when all agree.
//   NODE_PATH=<cache>/node_modules node run_onnxruntime.js DIR [--perturb]
// --perturb changes one of ctnn's outputs by 1e-3 first: the comparison must then fail.
'use strict';
const fs = require('fs');
const path = require('path');

let ort;
try {
  ort = require('onnxruntime-node');
} catch (e) {
  console.error('onnxruntime-node is not installed (NODE_PATH=' + (process.env.NODE_PATH || '') +
                '); run scripts/install-deps.sh');
  process.exit(1);
}

function floats(file) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

async function main() {
  const dir = process.argv[2];
  const perturb = process.argv.includes('--perturb');
  const models = JSON.parse(fs.readFileSync(path.join(dir, 'ctnn_models.json'), 'utf8'));
  let ok = true;
  for (const m of models) {
    const session = await ort.InferenceSession.create(path.join(dir, m.name + '.onnx'));
    const x = floats(path.join(dir, m.name + '.input.bin'));
    const want = Float32Array.from(floats(path.join(dir, m.name + '.output.bin')));
    if (perturb)
      want[3] += 1e-3;
    const feeds = {};
    feeds[session.inputNames[0]] = new ort.Tensor('float32', x, m.input);
    const result = await session.run(feeds);
    const got = result[session.outputNames[0]].data;
    let maxAbs = 0, worst = 0, classes = 0, largest = 0;
    if (got.length !== want.length) {
      console.error(m.name + ': ' + got.length + ' outputs, ctnn has ' + want.length);
      ok = false;
      continue;
    }
    for (let i = 0; i < got.length; ++i) {
      const d = Math.abs(got[i] - want[i]);
      maxAbs = Math.max(maxAbs, d);
      largest = Math.max(largest, Math.abs(want[i]));
      worst = Math.max(worst, d / (1e-5 * (1 + Math.abs(want[i]))));
    }
    const argmax = (a, s) => {
      let k = 0;
      for (let c = 1; c < m.classes; ++c)
        if (a[s * m.classes + c] > a[s * m.classes + k]) k = c;
      return k;
    };
    for (let s = 0; s < got.length / m.classes; ++s)
      if (argmax(got, s) !== argmax(want, s)) ++classes;
    const agree = worst <= 1 && classes === 0;
    console.log(m.name + ': ' + got.length / m.classes + ' samples, max |onnxruntime - ctnn| = ' +
                maxAbs.toExponential(3) + ' (largest |output| ' + largest.toFixed(3) +
                '), classes differ: ' + classes +
                (agree ? '' : '  <-- DIFFERENT'));
    ok = ok && agree;
  }
  console.log('onnxruntime-node ' + require('onnxruntime-node/package.json').version);
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
