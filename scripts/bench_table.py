"""The README's and docs/benchmarks.md's benchmark table from `bench` output.

    cargo run --release --features ssr --bin bench | tee target/bench.txt
    python3 scripts/bench_table.py target/bench.txt        # prints the Markdown table

Reads the BENCH lines (one per mission × model) and prints one row per model and mission
with macro-F1, fit time, the server's part of click-to-result (scores ready to show),
the explanations' time and the peak memory. Only formats figures; it runs nothing.
"""
import sys


def fields(line):
    return dict(part.split("=", 1) for part in line.split()[1:] if "=" in part)


def main(path):
    rows = [fields(line) for line in open(path) if line.startswith("BENCH ")]
    if not rows:
        sys.exit(f"no BENCH lines in {path}")
    print("| model | mission | macro-F1 | fit s | click-to-result s | explain s | peak MB |")
    print("|---|---|---|---|---|---|---|")
    for r in sorted(rows, key=lambda r: (r["model"], ["kepler", "tess", "k2"].index(r["mission"]))):
        print(
            f"| {r['model']} | {r['mission']} | {r['macro_f1']} | {r['fit_s']} | "
            f"{r.get('click_to_result_s', '–')} | {r['explain_s']} | {r['peak_mb']} |"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/bench.txt")
