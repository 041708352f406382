#!/usr/bin/env python3
"""Writes every ```cpp block of a Markdown file to OUT_DIR/readme_block_N.cpp (N from 1) and
prints one line per block: its file name and `main` when the block defines int main."""
import pathlib
import re
import sys

if len(sys.argv) != 3:
    sys.exit("usage: readme-code.py README.md OUT_DIR")
text = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
out = pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
blocks = re.findall(r"^```cpp\n(.*?)^```", text, flags=re.S | re.M)
if not blocks:
    sys.exit(f"{sys.argv[1]}: no ```cpp block; the README test would check nothing")
for i, code in enumerate(blocks, 1):
    path = out / f"readme_block_{i}.cpp"
    if not path.exists() or path.read_text(encoding="utf-8") != code:
        path.write_text(code, encoding="utf-8")
    print(path.name, "main" if re.search(r"\bint main\(", code) else "object")
