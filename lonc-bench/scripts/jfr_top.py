#!/usr/bin/env python3
"""Summarise JFR execution samples per thread: top frames (self) and top lonc frames (inclusive).

Usage: jfr_top.py RECORDING.jfr [THREAD_PREFIX ...]

Reads `jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample` (the JDK's own jfr tool) and
prints, for the threads whose names start with one of the prefixes (default: all), the share of
samples per top frame and per lonc method anywhere on the stack.
"""
import collections
import re
import subprocess
import sys


def samples(path):
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample",
                          "--stack-depth", "64", path], capture_output=True, text=True, check=True).stdout
    for block in out.split("\njdk.")[0:]:
        m = re.search(r'sampledThread = "([^"]*)"', block)
        if not m:
            continue
        frames = re.findall(r"^\s{4}(\S.*?)(?: line: \d+)?(?: bci: \d+)?$", block.split("stackTrace = [", 1)[-1], re.M)
        frames = [f for f in frames if not f.startswith("]") and not f.startswith("...")]
        kind = "native" if block.startswith("NativeMethodSample") or "NativeMethodSample" in block[:40] else "java"
        yield m.group(1), kind, frames


def short(frame):
    return re.sub(r"\(.*\)", "()", frame)


def main():
    path = sys.argv[1]
    prefixes = sys.argv[2:]
    by_thread = collections.defaultdict(list)
    for thread, kind, frames in samples(path):
        if prefixes and not any(thread.startswith(p) for p in prefixes):
            continue
        by_thread[re.sub(r"-\d+$", "-N", thread)].append((kind, frames))
    for thread, ss in sorted(by_thread.items(), key=lambda kv: -len(kv[1])):
        print(f"== {thread}: {len(ss)} samples")
        top = collections.Counter(short(f[0]) if f else "?" for _, f in ss)
        for name, n in top.most_common(15):
            print(f"  {100.0 * n / len(ss):5.1f}%  self  {name}")
        incl = collections.Counter()
        for _, f in ss:
            for name in {short(x) for x in f if "loncapa" in x}:
                incl[name] += 1
        for name, n in incl.most_common(15):
            print(f"  {100.0 * n / len(ss):5.1f}%  incl  {name}")


if __name__ == "__main__":
    main()
