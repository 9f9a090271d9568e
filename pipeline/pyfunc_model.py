"""MLflow models-from-code entry point of the `extractor` pyfunc model: MLflow runs this file when
the model is logged and when it is loaded (with this package on the path), instead of unpickling."""

from mlflow.models import set_model

from pipeline.pyfunc import MeetingExtractorModel

set_model(MeetingExtractorModel())
