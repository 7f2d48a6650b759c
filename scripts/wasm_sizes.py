#!/usr/bin/env python3
"""What the front end weighs: each file of the built site's pkg folder raw, gzip -9 and
brotli (quality 11), and optionally where the bytes of a WASM module go.

    python3 scripts/wasm_sizes.py [target/site/pkg]          # sizes of every .wasm / .js / .css
    python3 scripts/wasm_sizes.py --breakdown FILE.wasm [N]  # code bytes per crate / module, top N functions

The breakdown needs the module's `name` section: use the WASM that cargo builds
(target/front/wasm32-unknown-unknown/wasm-release/exoplanet_playground.wasm), before
wasm-bindgen and wasm-opt strip the names. Functions are grouped by the first path of their
(demangled) name, and by this crate's module when the name mentions one, so a generic
instantiated for a page counts for that page.

Needs Python's `brotli` module (pip install brotli); without it the brotli column is blank.
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict

try:
    import brotli
except ImportError:  # pragma: no cover - reported in the output
    brotli = None


def compressed_sizes(data):
    gz = len(gzip.compress(data, compresslevel=9, mtime=0))
    br = len(brotli.compress(data, quality=11)) if brotli else None
    return gz, br


def kb(n):
    return "" if n is None else f"{n / 1000:.1f}"


def sizes(pkg):
    files = {}
    for name in sorted(os.listdir(pkg)):
        if not name.endswith((".wasm", ".js", ".css")):
            continue
        data = open(os.path.join(pkg, name), "rb").read()
        files[name] = (len(data),) + compressed_sizes(data)
    chunks = {n: v for n, v in files.items() if n.startswith("chunk_")}
    print(f"{'file':60} {'raw KB':>9} {'gzip KB':>9} {'br KB':>9}")
    for name, (raw, gz, br) in files.items():
        if name not in chunks:
            print(f"{name:60} {kb(raw):>9} {kb(gz):>9} {kb(br):>9}")
    if chunks:
        total = [sum(v[i] or 0 for v in chunks.values()) for i in range(3)]
        print(f"{f'{len(chunks)} shared chunks (chunk_*.wasm)':60} {kb(total[0]):>9} {kb(total[1]):>9} {kb(total[2]):>9}")
    wasm = [v for n, v in files.items() if n.endswith(".wasm")]
    if len(wasm) > 1:
        total = [sum(v[i] or 0 for v in wasm) for i in range(3)]
        print(f"{'all .wasm':60} {kb(total[0]):>9} {kb(total[1]):>9} {kb(total[2]):>9}")

    # What each lazy route needs besides the main module (cargo-leptos --split writes the
    # manifest: split function -> the shared chunks it needs; the function's own module is
    # split_<function>.wasm).
    manifest = os.path.join(pkg, "__wasm_split_manifest.json")
    if not os.path.exists(manifest):
        return
    main_names = [n for n in files if n.endswith(".wasm") and not n.startswith(("chunk_", "split_"))]
    main = [files[n] for n in main_names]
    # The splitter moves a page's constant data into the page's module only when its
    # dependency graph allows; once it kept every page's text in the main module
    # (docs/design.md, "Front end"). Say how much the main module holds.
    for name in main_names:
        data = sum(len(body) for sid, body in sections(open(os.path.join(pkg, name), "rb").read()) if sid == 11)
        print(f"\n{name}: {kb(data)} KB of constant data (raw)")
    js = [v for n, v in files.items() if n.endswith(".js")]
    base = [sum(v[i] or 0 for v in main + js) for i in range(3)]
    print(f"\nper lazy function: main module + JS ({kb(base[2])} KB br) + its own module and shared chunks")
    print(f"{'lazy function':44} {'files':>5} {'raw KB':>9} {'gzip KB':>9} {'br KB':>9}  {'total br KB':>11}")
    for function, needed in sorted(json.load(open(manifest)).items()):
        # The manifest may list the function's own module too: count each file once.
        names = list(dict.fromkeys([f"split_{function}.wasm"] + [f"{c}.wasm" for c in needed]))
        own = [files.get(n, (0, 0, 0)) for n in names]
        total = [sum(v[i] or 0 for v in own) for i in range(3)]
        label = re.sub(r"_\d+$", "", function.strip("_"))
        print(f"{label:44} {len(names):>5} {kb(total[0]):>9} {kb(total[1]):>9} {kb(total[2]):>9}  {kb(total[2] + base[2]):>11}")


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def sections(data):
    assert data[:4] == b"\0asm", "not a WASM module"
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, body = leb(data, pos + 1)
        yield sid, data[body:body + size]
        pos = body + size


def demangle(names):
    """Rust symbol names made readable with binutils' c++filt (legacy and v0 mangling),
    without the hashes; unchanged when c++filt is missing."""
    if not names or not shutil.which("c++filt"):
        return names
    keys = list(names)
    out = subprocess.run(["c++filt"], input="\n".join(names[k] for k in keys), capture_output=True,
                         text=True).stdout.split("\n")
    clean = lambda n: re.sub(r"\[[0-9a-f]{16}\]|::h[0-9a-f]{16}$", "", n)
    return {k: clean(v) for k, v in zip(keys, out)}


def breakdown(path, top):
    data = open(path, "rb").read()
    imported = 0
    bodies = []
    names = {}
    totals = defaultdict(int)
    for sid, body in sections(data):
        if sid == 0:
            nlen, p = leb(body, 0)
            cname = body[p:p + nlen].decode()
            totals[f"custom:{cname}"] += len(body)
            if cname != "name":
                continue
            p += nlen
            while p < len(body):
                sub, p = body[p], p + 1
                size, p = leb(body, p)
                if sub == 1:
                    q = p
                    count, q = leb(body, q)
                    for _ in range(count):
                        idx, q = leb(body, q)
                        ln, q = leb(body, q)
                        names[idx] = body[q:q + ln].decode(errors="replace")
                        q += ln
                p += size
        elif sid == 2:
            totals["import"] += len(body)
            count, p = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    ln, p = leb(body, p)
                    p += ln
                kind, p = body[p], p + 1
                if kind == 0:
                    _, p = leb(body, p)
                    imported += 1
                elif kind == 1:
                    p += 1
                    flags, p = leb(body, p)
                    _, p = leb(body, p)
                    if flags & 1:
                        _, p = leb(body, p)
                elif kind == 2:
                    flags, p = leb(body, p)
                    _, p = leb(body, p)
                    if flags & 1:
                        _, p = leb(body, p)
                elif kind == 3:
                    p += 2
                else:
                    raise ValueError("unknown import kind")
        elif sid == 10:
            totals["code"] += len(body)
            count, p = leb(body, 0)
            for _ in range(count):
                size, q = leb(body, p)
                bodies.append(q - p + size)
                p = q + size
        elif sid == 11:
            totals["data"] += len(body)
        else:
            totals[f"section {sid}"] += len(body)

    print(f"{path}: {len(data)} bytes")
    for name, size in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {name:30} {size:>10}")

    names = demangle(names)
    by_crate = defaultdict(int)
    by_module = defaultdict(int)
    functions = []
    for i, size in enumerate(bodies):
        name = names.get(imported + i, f"func[{imported + i}]")
        functions.append((size, name))
        first = re.sub(r"^[<&*\s]*(dyn |mut |const )?", "", name)
        by_crate[re.split(r"::|<|>| ", first, maxsplit=1)[0] or "?"] += size
        mods = re.findall(r"exoplanet_playground::(\w+)::(\w+)", name)
        if mods:
            by_module["::".join(mods[-1])] += size
    code = sum(bodies)
    print(f"\ncode bytes per crate (first path of the name; {code} in all)")
    for crate, size in sorted(by_crate.items(), key=lambda kv: -kv[1])[:40]:
        print(f"  {crate:50} {size:>9} {100 * size / code:5.1f}%")
    print("\ncode bytes per module of this crate (name mentions it, innermost mention)")
    for module, size in sorted(by_module.items(), key=lambda kv: -kv[1])[:60]:
        print(f"  {module:50} {size:>9} {100 * size / code:5.1f}%")
    print(f"\nlargest {top} functions")
    for size, name in sorted(functions, reverse=True)[:top]:
        print(f"  {size:>8}  {name[:200]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--breakdown":
        breakdown(args[1], int(args[2]) if len(args) > 2 else 40)
    else:
        sizes(args[0] if args else "target/site/pkg")
