import pytest

from pipeline import corpus
from pipeline.schema import Document


def _docs(n: int) -> list[Document]:
    return [Document(id=f"d{i:02d}", text=f"Text {i}.") for i in range(n)]


def test_holdout_split_is_by_document_disjoint_and_reproducible():
    docs = _docs(20)
    train, held = corpus.holdout_split(docs, "random", 0.15, 13, set())
    again = corpus.holdout_split(docs, "random", 0.15, 13, set())
    assert len(held) == 3 and {d.id for d in train}.isdisjoint(d.id for d in held)
    assert [d.id for d in held] == [d.id for d in again[1]]
    train, held = corpus.holdout_split(docs, "seeds", 0.15, 13, {"d03", "d07"})
    assert [d.id for d in held] == ["d03", "d07"] and len(train) == 18


def test_calibration_split_takes_a_share_of_the_training_documents():
    docs = _docs(40)
    fit, cal = corpus.calibration_split(docs, 0.15, 13)
    assert len(cal) == 6 and len(fit) == 34 and {d.id for d in fit}.isdisjoint(d.id for d in cal)
    assert corpus.calibration_split(docs, 0.0, 13) == (docs, [])
    assert corpus.calibration_split(docs[:1], 0.15, 13) == (docs[:1], [])  # never leaves nothing to train on


def test_folds_test_every_document_once():
    docs = _docs(11)
    splits = corpus.folds(docs, 5, 13)
    tested = [d.id for _, test in splits for d in test]
    assert sorted(tested) == [d.id for d in docs]
    with pytest.raises(corpus.CorpusError):
        corpus.folds(docs, 12, 13)


def test_stats_counts_as_seeds_the_ids_it_is_given():
    docs = [Document(id=i, text="Text.") for i in ("012_example", "w1_01", "003_abc")]
    assert corpus.stats(docs, {"003_abc", "not_annotated"})["seed_documents"] == 1
    assert corpus.stats(docs, set())["seed_documents"] == 0
