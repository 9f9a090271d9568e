"""The trained extractor as an MLflow pyfunc model: article texts in, event JSON out."""

from __future__ import annotations

import os
from pathlib import Path

import mlflow.pyfunc
from pydantic import BaseModel, field_validator

from pipeline.schema import iso_day

PACKAGE = Path(__file__).resolve().parent


class ArticleInput(BaseModel):
    """One article for the pyfunc model: a row of a DataFrame or a dict with these keys."""

    text: str
    id: str | None = None
    date: str | None = None  # the article date, YYYY-MM-DD, for relative dates ("on Monday")

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        # A DataFrame's id column is often numeric; a str | int hint would leave MLflow unable to
        # check the field at all (it warns and infers Any).
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("date")
    @classmethod
    def _calendar_day(cls, value: str | None) -> str | None:
        if value is not None and not iso_day(value):
            raise ValueError(f"date {value!r} is not a YYYY-MM-DD calendar day")
        return value


class MeetingExtractorModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        from pipeline.extract import Extractor

        self.extractor = Extractor.load(Path(context.artifacts["model_dir"]))

    # No return annotation: MLflow would read list[dict[str, Any]] as an unvalidated output schema
    # and warn about it on every log.
    def predict(self, context, model_input: list[ArticleInput], params: dict[str, str] | None = None):
        """`model_input`: a DataFrame with a `text` column and optional `id` and `date` columns, or
        a list of such dicts. Returns one output record per article (`doc_id` is its `id`, else
        its position), cut at the model's event threshold as `predict` does by default. The type
        hint gives the logged model its input signature, which MLflow validates."""
        from pipeline.extract import Article

        return list(self.extractor.predict([Article(a.id if a.id is not None else str(i), a.text, a.date)
                                            for i, a in enumerate(model_input)]))


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
