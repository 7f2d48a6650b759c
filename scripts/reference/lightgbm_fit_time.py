"""LightGBM's fit time and macro-F1 on the canonical split, to compare side by side with
our gradient boosting (`bench ... gradient_boosting`) in the same run on the same machine.

Same task as ../data/benchmark and scripts/reference/sklearn_families.py: canonical
features and split, raw values, empty cell = missing. Settings of the shared reference
row (300 trees, learning rate 0.05, 31 leaves, LightGBM's other defaults, 2 threads),
which are also our booster's defaults for rounds / learning rate / leaves / objects per
leaf. Prints one line per mission:

    REF mission=kepler model=lightgbm fit_s=… macro_f1=… acc=… version=…

fit_s is the best of `--repeats` fits (3 by default). OpenMP threads spin while they wait,
which costs LightGBM dearly when other processes share the cores: under load, run it also
with OMP_WAIT_POLICY=passive (as scripts/bench_vs_reference.sh does) and take the faster. Python only produces reference
figures; the app never runs it. Usage: python3 scripts/reference/lightgbm_fit_time.py [mission…]
"""
import argparse
import os
import time

import lightgbm
import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from canonical import load  # this folder is on the path when run as a script


def model(seed=42):
    return lightgbm.LGBMClassifier(
        n_estimators=300, learning_rate=0.05, num_leaves=31, n_jobs=2, random_state=seed, verbose=-1
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("missions", nargs="*", default=["kepler", "tess", "k2"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for mission in args.missions:
        xtr, ytr, xte, yte = load(mission)
        times, fitted = [], None
        for _ in range(args.repeats):
            m = model()
            t0 = time.perf_counter()
            m.fit(xtr, ytr)
            times.append(time.perf_counter() - t0)
            fitted = m
        yhat = np.asarray(fitted.predict_proba(xte)).argmax(1)
        print(
            f"REF mission={mission} model=lightgbm fit_s={min(times):.3f} "
            f"macro_f1={f1_score(yte, yhat, average='macro'):.4f} acc={accuracy_score(yte, yhat):.4f} "
            f"fits_s={','.join(f'{t:.3f}' for t in times)} version={lightgbm.__version__} "
            f"omp_wait_policy={os.environ.get('OMP_WAIT_POLICY', 'default')}",
            flush=True,
        )


if __name__ == "__main__":
    main()
