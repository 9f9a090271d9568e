"""The trained extractor as an MLflow pyfunc model: article texts in, event JSON out."""

from __future__ import annotations

import os
from pathlib import Path

import mlflow.pyfunc

PACKAGE = Path(__file__).resolve().parent


class MeetingExtractorModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        from pipeline.extract import Extractor

        self.extractor = Extractor.load(Path(context.artifacts["model_dir"]))

    # No return annotation: MLflow would read list[dict[str, Any]] as an unvalidated output schema
    # and warn about it on every log.
    def predict(self, context, model_input: list[str], params: dict[str, str] | None = None):
        """`model_input`: article texts (a one-column DataFrame is read as one). A text that starts
        with a line ` date YYYY-MM-DD` has that document date. Returns one output record per
        text (`doc_id` is its position), cut at the model's event threshold as `predict` does by
        default. The type hint gives the logged model its input signature (a list of strings)."""
        from pipeline.extract import Article

        return list(self.extractor.predict([Article(str(i), text) for i, text in enumerate(model_input)]))


def log_pyfunc(model_dir: Path) -> None:
    """Log the model directory and this package as the run's `extractor` pyfunc model. The model
    is logged from code (pyfunc_model.py), the MLflow 3 way, not as a pickled object."""
    previous = os.environ.get("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR")
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"  # local copies, not downloads
    try:
        mlflow.pyfunc.log_model(
            name="extractor", python_model=str(PACKAGE / "pyfunc_model.py"),
            artifacts={"model_dir": str(model_dir)}, code_paths=[str(PACKAGE)],
            pip_requirements=["torch", "transformers>=5", "dateparser", "countryinfo", "numpy", "mlflow"])
    finally:
        if previous is None:
            os.environ.pop("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", None)
        else:
            os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = previous
