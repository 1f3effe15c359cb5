"""CoNLL 2003 export in Label Studio's layout: ``token -X- _ TAG`` lines, BIO tags."""
from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from webapp.io.errors import ExportError
from webapp.io.pages import ExportSource
from webapp.io.spans import Span, span_control, spans_of
from webapp.labeling import ControlTag

DOCSTART = "-DOCSTART- -X- O\n"


@cache
def _tokenizer():
    """Label Studio's converter splits words as the Penn Treebank does (issue 16 point 6):
    `U.S.`, `does` `n't`, `O'Neil`, `well-known`; its spans are offsets in the text. Loaded on
    the first CoNLL export: nltk's package pulls in scikit-learn and pycrfsuite."""
    from nltk.tokenize import TreebankWordTokenizer

    return TreebankWordTokenizer()


def conll_chunks(source: ExportSource) -> Iterator[bytes]:
    """One sentence (blank-line separated) per submitted annotation."""
    control = span_control(source.config)
    if control is None:
        raise ExportError(
            "CONLL2003 export needs a <Labels> control on a <Text> in the labeling config."
        )
    return _sentences(source, control)


def _sentences(source: ExportSource, control: ControlTag) -> Iterator[bytes]:
    field = source.config.objects[control.to_name].value_field
    yield DOCSTART.encode()
    for page in source.pages():
        lines = []
        for task in page.tasks:
            text = task.data.get(field)
            if not isinstance(text, str):
                continue
            for annotation in page.submitted(task.id):
                tagged = _bio_tags(text, spans_of(annotation.result, control.name))
                lines += [f"{token} -X- _ {tag}\n" for token, tag in tagged] + ["\n"]
        yield "".join(lines).encode()


def _bio_tags(text: str, spans: list[Span]) -> list[tuple[str, str]]:
    """Tag each token; a token even partly inside a span takes that span's tag."""
    tagged = []
    remaining = iter(spans)
    span, inside = next(remaining, None), None
    for start, end in _tokenizer().span_tokenize(text):
        while span is not None and span.end <= start:
            span = next(remaining, None)
        if span is not None and span.start < end:
            tagged.append((text[start:end], ("I-" if inside is span else "B-") + span.label))
            inside = span
        else:
            tagged.append((text[start:end], "O"))
    return tagged
