#!/usr/bin/env python3
"""Fails if an inner loop of vector multiply-adds touches the stack.

Usage: check-spills.py OBJDUMP OBJECT [OBJECT ...]

Disassembles each object (tests/kernels/register_tiles.cpp, built for one target), finds every
loop (a backward branch and the instructions it jumps back over) that contains vector
multiply-adds, and counts the instructions in it that address the stack. A register tile whose
accumulators, loaded operands and broadcast element do not fit the register file shows up as
stack loads and stores there. Prints one line per function and exits 1 if any loop spills.
"""
import re
import subprocess
import sys

# Vector multiply-adds (fused or not) on x86 and AArch64.
MADD = re.compile(r"\b(v?fn?madd\d*[ps][sd]|v?mulp[sd]|fmla|fmul)\b")
# An operand in the stack frame: x86 (%rsp)/(%rbp), AArch64 [sp] or [x29] (frame pointer).
STACK = re.compile(r"\(%r[sb]p[,)]|\[(sp|x29)[\],]")
# The same without %rbp, for a function that does not make it a frame pointer (mov %rsp,%rbp)
# and so uses it as one more general register (a pointer into B, for instance).
STACK_NO_FRAME = re.compile(r"\(%rsp[,)]|\[(sp|x29)[\],]")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(.*)$")
# Conditional branches only: a loop ends in one, while an unconditional jump back is how an
# out-of-line piece (a short vector's load) returns into the loop.
BRANCH = re.compile(r"^(j(?!mp)\w+|b\.\w+|cbn?z|tbn?z)\s+(?:\w+,\s*)*([0-9a-f]+)\b")
FUNC = re.compile(r"^[0-9a-f]+ <(.*)>:$")


def functions(text):
    name, body = None, []
    for line in text.splitlines():
        m = FUNC.match(line)
        if m:
            if name:
                yield name, body
            name, body = m.group(1), []
        elif name:
            i = INSN.match(line)
            if i:
                body.append((int(i.group(1), 16), i.group(2).strip()))
    if name:
        yield name, body


def loops(body):
    """(start, end) address pairs of the innermost loops: backward branches that jump back
    over no other backward branch."""
    spans = []
    for addr, insn in body:
        m = BRANCH.match(insn)
        if m:
            target = int(m.group(2), 16)
            if target <= addr:
                spans.append((target, addr))
    for start, end in spans:
        if not any(start <= s and e < end for s, e in spans if (s, e) != (start, end)):
            yield start, end


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    objdump, objects = sys.argv[1], sys.argv[2:]
    checked, failed = 0, 0
    for obj in objects:
        text = subprocess.run([objdump, "-d", "-C", "--no-show-raw-insn", obj], check=True,
                              capture_output=True, text=True).stdout
        for name, body in functions(text):
            if not any(k in name for k in ("register_tile", "dot_products", "gemm_nn_block",
                                            "gemm_nt", "dot_tile", "direct_tile",
                                            "direct_conv_block")):
                continue
            worst = None
            framed = any(re.match(r"mov\s+%rsp,%rbp$", insn) for _, insn in body)
            stack_operand = STACK if framed else STACK_NO_FRAME
            for start, end in loops(body):
                inner = [insn for addr, insn in body if start <= addr <= end]
                madds = sum(1 for insn in inner if MADD.search(insn))
                if madds == 0:
                    continue
                stack = sum(1 for insn in inner if stack_operand.search(insn))
                if worst is None or stack > worst[1]:
                    worst = (madds, stack)
            if worst is None:
                # A wrapper that only jumps to the tile has no multiply-adds of its own.
                if any(MADD.search(insn) for _, insn in body):
                    print(f"FAIL {name}: multiply-adds outside any loop")
                    failed += 1
                continue
            checked += 1
            verdict = "ok  " if worst[1] == 0 else "FAIL"
            failed += worst[1] != 0
            print(f"{verdict} {name}: {worst[0]} multiply-adds, {worst[1]} stack accesses "
                  "in the loop")
    print(f"{checked} tile functions checked, {failed} spill")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
