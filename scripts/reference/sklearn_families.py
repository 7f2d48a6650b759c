"""Reference figures for the model families the shared benchmark table does not list
(SVM, PCA + logistic regression, MLP), measured with scikit-learn on the canonical split.

Same task as ../data/benchmark: canonical features and split, median imputation and
standard scaling (as the shared LogisticRegression row). Writes
data/benchmark/sklearn_families.json; `bench` prints these beside our own figures.
Python is only used to produce this reference file, never by the app.
"""
import json
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from canonical import load, root  # this folder is on the path when run as a script


def models(seed=42):
    pre = lambda: [SimpleImputer(strategy="median"), StandardScaler()]
    return {
        "logistic_regression": make_pipeline(*pre(), LogisticRegression(C=1.0, max_iter=1000)),
        "svm": make_pipeline(*pre(), SVC(C=1.0, kernel="rbf", probability=True, random_state=seed)),
        "pca_logistic": make_pipeline(*pre(), PCA(n_components=0.95, random_state=seed),
                                      LogisticRegression(C=1.0, max_iter=1000)),
        "neural_network": make_pipeline(*pre(), MLPClassifier(hidden_layer_sizes=(64, 32),
                                        early_stopping=True, random_state=seed, max_iter=500)),
    }


out = {"sklearn": __import__("sklearn").__version__, "results": []}
for mission in ["kepler", "tess", "k2"]:
    xtr, ytr, xte, yte = load(mission)
    for name, model in models().items():
        t0 = time.perf_counter()
        model.fit(xtr, ytr)
        fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        p = model.predict_proba(xte)
        pred_ms = (time.perf_counter() - t0) * 1000
        yhat = p.argmax(1)
        row = dict(mission=mission, model=name, acc=accuracy_score(yte, yhat),
                   macro_f1=f1_score(yte, yhat, average="macro"),
                   roc_auc=roc_auc_score(yte, p, multi_class="ovr"),
                   log_loss=log_loss(yte, p, labels=[0, 1, 2]), fit_s=fit, predict_ms=pred_ms)
        print(json.dumps(row))
        out["results"].append(row)
(root / "benchmark" / "sklearn_families.json").write_text(json.dumps(out, indent=1))
