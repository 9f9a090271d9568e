"""The trained extractor as an MLflow pyfunc model: article texts in, event JSON out."""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc

PACKAGE = Path(__file__).resolve().parent


class MeetingExtractorModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        from pipeline.extract import Extractor

        self.extractor = Extractor.load(Path(context.artifacts["model_dir"]))

    def predict(self, context, model_input, params=None) -> list[dict]:
        """`model_input`: a list of texts, or a DataFrame with a `text` column (and optional
        `id` and `date` columns). Returns one output record per text, cut at the model's event
        threshold as `predict` does by default."""
        from pipeline.extract import Article

        if hasattr(model_input, "to_dict"):
            rows = model_input.to_dict(orient="records")
        else:
            rows = [r if isinstance(r, dict) else {"text": r} for r in model_input]
        articles = [Article(str(r.get("id", i)), r["text"], r.get("date")) for i, r in enumerate(rows)]
        return list(self.extractor.predict(articles))


def log_pyfunc(model_dir: Path) -> None:
    """Log the model directory and this package as the run's `extractor` pyfunc model."""
    mlflow.pyfunc.log_model(
        name="extractor", python_model=MeetingExtractorModel(),
        artifacts={"model_dir": str(model_dir)}, code_paths=[str(PACKAGE)],
        pip_requirements=["torch", "transformers>=5", "dateparser", "countryinfo", "numpy", "mlflow"])
