#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Trains several runs and writes one report comparing them (overlaid curves, one table).

  scripts/compare.py OUT_DIR [--build DIR] -- "mnist_cnn --epochs 1" "mnist_cnn --optimizer sgd" ...

Each run is an example program and its options (the data option can be given once with
--data and is passed to every run).  Each run writes its own report into OUT_DIR/run-N; then
OUT_DIR/index.html overlays their test-accuracy and loss curves (gnuplot) and tables their
parameters, training time and test accuracy.  Standard library only (plus gnuplot).
"""
import argparse
import csv
import html
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="folder for the comparison (new, empty or an earlier comparison)")
    ap.add_argument("--build", default=str(ROOT / "build" / "release"), help="build folder")
    ap.add_argument("--data", help="--data passed to every run")
    ap.add_argument("runs", nargs="+", help='runs, each "example [options]"')
    a = ap.parse_args()
    out = Path(a.out)
    if out.exists() and any(out.iterdir()) and not (out / "comparison.json").exists():
        sys.exit(f"compare.py: {out} holds other files (no comparison.json); choose a new folder")
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for i, run in enumerate(a.runs):
        words = shlex.split(run)
        if not words:
            sys.exit("compare.py: an empty run")
        exe = Path(a.build) / "examples" / words[0]
        if not exe.is_file():
            sys.exit(f"compare.py: no example {words[0]!r} in {exe.parent} (build it first)")
        rdir = out / f"run-{i}"
        if rdir.exists():
            shutil.rmtree(rdir)  # an earlier comparison's run (checked above)
        cmd = [str(exe), *words[1:], "--quiet", "--report", str(rdir)]
        if a.data:
            cmd += ["--data", a.data]
        print("running:", shlex.join(cmd), flush=True)
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"compare.py: run {i} ({run}) failed:\n{r.stderr.strip()}")
        line = json.loads(r.stdout.strip().splitlines()[-1])
        line.update(label=run, folder=rdir.name)
        results.append(line)

    gp = ["set terminal svg size 720,400 dynamic font 'sans,12' background '#ffffff'",
          "set termoption noenhanced", "set datafile separator ','", "set key bottom right", "set grid",
          "set xlabel 'training seconds'"]
    for what, col in (("accuracy", 5), ("loss", 4)):
        gp += [f"set output '{what}.svg'", f"set ylabel 'test {what}'",
               "plot " + ", ".join(
                   f"'{r['folder']}/evaluations.csv' skip 1 using 3:{col} with linespoints "
                   f"lw 2 pt 7 title {json.dumps(r['label'])}" for r in results)]
    (out / "compare.gp").write_text("\n".join(gp) + "\nunset output\n")
    drawn = subprocess.run(["gnuplot", "compare.gp"], cwd=out, capture_output=True).returncode == 0 \
        if shutil.which("gnuplot") else False

    rows = "".join(
        f"<tr><td><a href=\"{r['folder']}/index.html\">{html.escape(r['label'])}</a></td>"
        f"<td>{html.escape(r['network'])}</td><td>{r['parameters']:,}</td><td>{r['epochs']:g}</td>"
        f"<td>{r['train_seconds']:.2f}</td><td>{r['images_per_second']:,}</td>"
        f"<td>{100 * r['test_accuracy']:.2f} %</td></tr>" for r in results)
    curves = ('<img src="accuracy.svg" alt="test accuracy"><img src="loss.svg" alt="test loss">'
              if drawn else "<p>gnuplot is not installed: no curves (Debian gnuplot-nox).</p>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ctnn comparison</title><style>
body{{font-family:sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}</style></head><body>
<h1>Comparison of {len(results)} runs</h1>
<table><tr><th>run</th><th>network</th><th>parameters</th><th>epochs</th><th>train s</th>
<th>images/s</th><th>test accuracy</th></tr>{rows}</table>
<h2>Test curves</h2>{curves}
<p>Each run's own report is linked from its row.</p></body></html>
"""
    (out / "index.html").write_text(page)
    (out / "comparison.json").write_text(json.dumps(results, indent=1))
    for r in results:
        print(f"{r['label']:<50} {r['parameters']:>8} params  {r['train_seconds']:7.2f} s  "
              f"{100 * r['test_accuracy']:6.2f} %")
    print(f"comparison: {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
