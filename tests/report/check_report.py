#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""Checks a ctnn training report as a person would see it.

  check_report.py REPORT_DIR [--screenshot FILE]

Every file index.html references must exist and decode (PNG through Pillow, SVG as XML);
headless Chromium must render the page to a screenshot that is not blank.  Exits 77 (skipped)
when Chromium or Pillow is missing, unless CI is set: CI installs both, so there it fails.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path


def missing_tool(what):
    print(f"{'FAIL' if os.environ.get('CI') else 'SKIPPED'}: {what}", file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") else 77)


try:
    from PIL import Image
except ImportError:
    missing_tool("Pillow is not installed (Debian python3-pil)")


class References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--screenshot")
    ap.add_argument("--min-images", type=int, default=10)
    a = ap.parse_args()
    root = Path(a.report)
    index = root / "index.html"
    if not index.is_file():
        sys.exit(f"FAIL: {index} does not exist")
    refs = References()
    refs.feed(index.read_text(encoding="utf-8"))
    problems = []
    if len(refs.images) < a.min_images:
        problems.append(f"only {len(refs.images)} images referenced (expected >= {a.min_images})")
    for src in refs.images + refs.links:
        p = root / src
        if src.startswith(("http:", "https:", "/")):
            problems.append(f"{src}: not a relative path inside the report (the page must open offline)")
        elif not p.is_file():
            problems.append(f"{src}: referenced but missing")
        elif p.suffix == ".png":
            try:
                with Image.open(p) as im:
                    im.load()
                    if im.width == 0 or im.height == 0:
                        problems.append(f"{src}: empty image")
            except Exception as e:  # noqa: BLE001 - any decoding failure is a defect
                problems.append(f"{src}: does not decode ({e})")
        elif p.suffix == ".svg":
            try:
                ET.parse(p)
            except ET.ParseError as e:
                problems.append(f"{src}: not valid SVG ({e})")
    chromium = next((c for c in ("/usr/bin/chromium", "/usr/bin/chromium-browser")
                     if os.access(c, os.X_OK)), None)
    if chromium is None:
        missing_tool("Chromium is not installed (Debian package chromium)")
    with tempfile.TemporaryDirectory() as profile:
        shot = Path(a.screenshot or Path(profile) / "shot.png")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--hide-scrollbars",
               f"--user-data-dir={profile}", "--window-size=1200,2400",
               f"--screenshot={shot}", index.resolve().as_uri()]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode != 0 or not shot.is_file():
            problems.append(f"Chromium did not render the page (exit {r.returncode}): "
                            f"{r.stderr.strip()[-500:]}")
        else:
            with Image.open(shot) as im:
                rgb = im.convert("RGB")
                pixels = rgb.width * rgb.height
                colours = rgb.getcolors(maxcolors=1 << 20) or []
                non_white = sum(n for n, c in colours if c != (255, 255, 255))
                print(f"screenshot {rgb.width}x{rgb.height}: {len(colours)} colours, "
                      f"{100 * non_white / pixels:.1f} % non-white")
                if len(colours) < 32 or non_white < 0.02 * pixels:
                    problems.append("the rendered page is blank or nearly so")
    for p in problems:
        print("FAIL:", p)
    if not problems:
        print(f"ok: {len(refs.images)} images and {len(refs.links)} links present; page renders")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
