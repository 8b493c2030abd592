"""The token view the token-level measures use is the shared tokenizer's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.agreement.tokens import category_name, token_masks, token_offsets
from annotator.spans import Span
from annotator.tokenize import tokenize


@given(st.text(alphabet=st.sampled_from(list("ab1 _-.,\n\té\u0301x'\"()")), max_size=60))
def test_token_offsets_equal_the_shared_tokenizer(text: str) -> None:
    starts, ends = token_offsets(text)
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [(t.start, t.end) for t in tokenize(text)]


def test_a_token_takes_every_label_covering_one_of_its_characters() -> None:
    text = "Douma air strikes"
    bits = {"LOCATION": 0, "PERPETRATOR": 1}
    # A span ending inside "air" is not a valid span, but a label still reaches the token it touches.
    masks = token_masks(token_offsets(text), [Span(0, 5, "LOCATION"), Span(0, 7, "PERPETRATOR")], bits)
    names = [category_name(int(m), list(bits)) for m in masks]
    assert names == ["LOCATION|PERPETRATOR", "PERPETRATOR", "O"]
