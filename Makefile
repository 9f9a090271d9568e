# `make train` and `make test` set everything up on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# pip takes this build from the machine's wheel cache where there is one; on a GPU box PyPI's Linux
# wheel of the same release is the CUDA build. Override for another accelerator: make install TORCH=...
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: install train evaluate predict cv stats validate test ui lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "$(TORCH)"
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

train: install
	$(PY) -m pipeline train --config configs/default.yaml $(ARGS)

# The shipped model trains on everything; its honest figure is the real-news test.
# ARGS go to `evaluate`, not to this training run (train it yourself to change its recipe).
models/realnews/config.json: | install
	$(PY) -m pipeline train --config configs/realnews.yaml

evaluate: install models/realnews/config.json
	$(PY) -m pipeline evaluate --model models/realnews --docs seeds $(ARGS)

predict: install
	$(PY) -m pipeline predict seeds --model models/default --output models/default/seed_predictions.jsonl $(ARGS)

cv: install
	$(PY) -m pipeline cv --config configs/default.yaml --folds 5 $(ARGS)

stats: install
	$(PY) -m pipeline stats $(ARGS)

validate: install
	$(PY) -m pipeline validate $(ARGS)

test: install
	$(PY) -m pytest $(ARGS)

# The store train/evaluate/cv log to: $$MLFLOW_TRACKING_URI when set, else mlflow.db here.
ui: install
	$(PY) -m mlflow ui --backend-store-uri "$$($(PY) -c 'from pipeline.tracking import tracking_uri; print(tracking_uri())')" --host 127.0.0.1 --port 5000

lint: install
	$(VENV)/bin/ruff check pipeline tests benchmarks

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
