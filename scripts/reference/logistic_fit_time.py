"""scikit-learn's LogisticRegression fit time and macro-F1 on the canonical split, to compare
side by side with ours (`bench ... logistic_regression`) in the same session on the same
machine.

Same task and model as the shared reference row and scripts/reference/sklearn_families.py:
canonical features and split, median imputation, standard scaling, then
LogisticRegression(C=1, max_iter=1000) (lbfgs, multinomial). The timed fit is the whole
pipeline, imputation and scaling included, as in sklearn_families.py (and as our fit_s
includes our own imputation and scaling). Prints one line per mission:

    REF mission=kepler model=logistic_regression fit_s=… cpu_s=… macro_f1=… acc=… n_iter=… version=…

fit_s is the best wall time of `--repeats` fits (3 by default; every fit's time is listed
too), cpu_s the process CPU time of that fit (all threads). On a machine busy with other
work, OpenBLAS's two threads spin waiting for each other and a fit can take 10-100× its
quiet time; `OPENBLAS_NUM_THREADS=1` avoids that (the shared reference row used 2 threads
on a quiet machine). Python only produces reference figures; the app never runs it.
Usage: python3 scripts/reference/logistic_fit_time.py [mission…] [--repeats N]
"""
import argparse
import time

import numpy as np
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from canonical import load  # this folder is on the path when run as a script


def model():
    """The reference row's pipeline (sklearn_families.py's "logistic_regression")."""
    return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))


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
            t0, c0 = time.perf_counter(), time.process_time()
            m.fit(xtr, ytr)
            times.append((time.perf_counter() - t0, time.process_time() - c0))
            fitted = m
        best, cpu = min(times)
        yhat = np.asarray(fitted.predict_proba(xte)).argmax(1)
        print(
            f"REF mission={mission} model=logistic_regression fit_s={best:.3f} cpu_s={cpu:.3f} "
            f"macro_f1={f1_score(yte, yhat, average='macro'):.4f} acc={accuracy_score(yte, yhat):.4f} "
            f"n_iter={int(np.max(fitted[-1].n_iter_))} "
            f"fits_s={','.join(f'{t:.3f}' for t, _ in times)} version={sklearn.__version__}",
            flush=True,
        )


if __name__ == "__main__":
    main()
