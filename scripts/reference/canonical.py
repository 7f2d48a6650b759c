"""The canonical benchmark task, loaded once for every reference script: the features,
label map and held-out ids of ../data/benchmark (features.json, split_<mission>.json), raw
values with empty cells as missing. Python only produces reference figures; the app never
runs it.
"""
import json
import pathlib

import pandas as pd

root = pathlib.Path(__file__).resolve().parents[2] / "data"
spec = json.loads((root / "benchmark" / "features.json").read_text())
classes = ["confirmed", "candidate", "false_positive"]


def load(mission):
    """(x_train, y_train, x_test, y_test) of a mission on the canonical split."""
    s = spec[mission]
    df = pd.read_csv(root / s["file"], comment="#", low_memory=False)
    if s["row_filter"]:
        df = df[df["default_flag"] == 1]
    df = df[df[s["label_column"]].isin(s["label_map"].keys())]
    y = df[s["label_column"]].map(s["label_map"]).map(classes.index).to_numpy()
    x = df[s["features"]].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    split = json.loads((root / "benchmark" / f"split_{mission}.json").read_text())
    test = df[s["id_column"]].astype(str).isin(set(map(str, split["test_ids"]))).to_numpy()
    return x[~test], y[~test], x[test], y[test]
