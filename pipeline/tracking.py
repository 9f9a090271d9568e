"""MLflow: one run per train/evaluate/cv, params from the resolved config, stable metric names."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from .config import Config, flatten

ROOT = Path(__file__).resolve().parent.parent


def tracking_uri(cfg: Config | None = None) -> str:
    if cfg is not None and cfg.tracking.tracking_uri:
        return cfg.tracking.tracking_uri
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{ROOT / 'mlflow.db'}"


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=5).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@contextlib.contextmanager
def run(cfg: Config, kind: str, run_name: str | None = None, nested: bool = False,
        tags: dict[str, str] | None = None) -> Iterator[object | None]:
    """An MLflow run (or a no-op when tracking is disabled) with the config logged as params."""
    if not cfg.tracking.enabled:
        yield None
        return
    import logging

    import mlflow

    logging.getLogger("alembic").setLevel(logging.WARNING)
    uri = tracking_uri(cfg)
    mlflow.set_tracking_uri(uri)
    if uri.startswith("sqlite:///") and mlflow.get_experiment_by_name(cfg.tracking.experiment) is None:
        # Keep artifacts beside the database, not in whatever directory the command ran from.
        store = Path(uri.removeprefix("sqlite:///")).resolve().parent / "mlruns"
        mlflow.create_experiment(cfg.tracking.experiment, artifact_location=store.as_uri())
    mlflow.set_experiment(cfg.tracking.experiment)
    all_tags = {"kind": kind, "git_commit": git_commit(), "base_model": cfg.model.base_model, **(tags or {})}
    with mlflow.start_run(run_name=run_name or f"{kind}-{cfg.name}", nested=nested, tags=all_tags) as active:
        mlflow.log_params({k: str(v) for k, v in flatten(cfg).items()})
        try:
            yield active
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM turned into it by the CLI: not a failure
            mlflow.end_run("KILLED")
            raise


def log_metrics(metrics: dict[str, float], step: int | None = None) -> None:
    if active():
        import mlflow

        mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v is not None}, step=step)


def active() -> bool:
    # A run can only be open if `run` imported mlflow; with tracking disabled mlflow is never loaded.
    mlflow = sys.modules.get("mlflow")
    return mlflow is not None and mlflow.active_run() is not None
