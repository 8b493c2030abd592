"""CoNLL 2003 / IOB2: the contract's layout, its round trips and what it cannot hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from annotator.exceptions import FormatError
from annotator.formats import Record
from annotator.formats.conll import read_conll, write_conll, write_conll_meta
from annotator.spans import span_problems
from tests.annotator.formats.strategies import LABELS, annotated

TEXT = "Syrian warplanes killed 12 people in east Aleppo.\nRebels said so."


def spans(*triples: tuple[int, int, str]) -> list[dict]:
    return [{"start": s, "end": e, "label": label, "attrs": {}} for s, e, label in triples]


def conll(records: list[Record], **kwargs) -> str:
    return "".join(write_conll(records, **kwargs))


def read(text: str) -> list[Record]:
    return list(read_conll(text.split("\n")))


def test_the_export_is_the_contract_layout_with_iob2_tags() -> None:
    record = Record(
        text=TEXT, id="d1", spans=spans((0, 16, "PERPETRATOR"), (24, 33, "CASUALTY_COUNT"), (37, 48, "LOCATION"))
    )
    assert conll([record]).split("\n") == [
        "-DOCSTART- O",
        "",
        "Syrian B-PERPETRATOR",
        "warplanes I-PERPETRATOR",
        "killed O",
        "12 B-CASUALTY_COUNT",
        "people I-CASUALTY_COUNT",
        "in O",
        "east B-LOCATION",
        "Aleppo I-LOCATION",
        ". O",
        "",
        "Rebels O",
        "said O",
        "so O",
        ". O",
        "",
        "",
    ]


def test_a_plain_import_rebuilds_the_text_with_single_spaces_and_keeps_the_spans_on_the_same_words() -> None:
    record = Record(text="Bombs  hit\tAleppo .\r\nThen 3.5 km away.", spans=spans((11, 17, "LOCATION")))
    (back,) = read(conll([record]))
    assert back.text == "Bombs hit Aleppo .\nThen 3 .5 km away ."
    assert [back.text[s["start"] : s["end"]] for s in back.spans] == ["Aleppo"]
    assert back.id is None and back.annotator is None


def test_conll_meta_carries_the_exact_text_id_and_annotator() -> None:
    text = "Bombs hit \u062d\u0644\u0628 \U0001f4a3 today.\r\nCafe\u0301 destroyed\u2028twice."
    record = Record(text=text, id="u1", annotator="alice", spans=spans((10, 13, "LOCATION")))
    (back,) = read("".join(write_conll_meta([record])))
    assert (back.text, back.id, back.annotator, back.spans) == (text, "u1", "alice", record.spans)


def test_overlapping_spans_keep_the_first_and_the_export_says_which_was_left_out() -> None:
    given_spans = spans((37, 48, "LOCATION"), (42, 48, "PERPETRATOR"), (0, 16, "PERPETRATOR"))
    record = Record(text=TEXT, id="d1", annotator="bob", spans=given_spans)
    losses: list[str] = []
    plain = conll([record], on_loss=losses.append)
    assert "east B-LOCATION\nAleppo I-LOCATION" in plain
    assert losses == [
        "document d1 (bob): 1 span(s) not in IOB2 (overlapped or on no token): PERPETRATOR [42, 48) 'Aleppo'"
    ]
    assert '# not_in_iob2 = [[42, 48, "PERPETRATOR"]]' in "".join(write_conll_meta([record]))


def test_a_span_at_whitespace_is_written_over_its_tokens_and_attributes_are_dropped() -> None:
    record = Record(
        text=TEXT,
        spans=[{"start": 23, "end": 34, "label": "CASUALTY_COUNT", "attrs": {"value": 12, "status": "killed"}}],
    )
    (back,) = read("".join(write_conll_meta([record])))
    assert back.spans == spans((24, 33, "CASUALTY_COUNT"))


def test_a_real_conll_2003_file_with_four_columns_and_iob1_tags_reads() -> None:
    text = (
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\n"
        "call NN I-NP O\n. . O O\n"
    )
    (back,) = read(text)
    assert back.text == "EU rejects German call ."
    assert [(back.text[s["start"] : s["end"]], s["label"]) for s in back.spans] == [("EU", "ORG"), ("German", "MISC")]


def test_a_bad_tag_or_a_mismatching_text_names_the_line() -> None:
    with pytest.raises(FormatError, match="line 4: 'X-LOC' is not an IOB2 tag"):
        read("-DOCSTART- O\n\nAleppo O\nburns X-LOC\n")
    with pytest.raises(FormatError, match="line 5: the tokens do not match the '# text'"):
        read('-DOCSTART- O\n# text = "Aleppo burns"\n\nAleppo O\nfreezes O\n')
    with pytest.raises(FormatError, match="line 3: expected 'token TAG'"):
        read("-DOCSTART- O\n\nAleppo\n")


@settings(max_examples=100, deadline=None)
@given(annotated(attrs=False))
def test_export_import_export_is_identical_for_any_text_and_spans(record: Record) -> None:
    first = conll([record])
    (back,) = read(first)
    assert not span_problems(back.text, back.spans, LABELS)
    assert conll([back]) == first


@settings(max_examples=100, deadline=None)
@given(annotated(attrs=False))
def test_conll_meta_gives_back_the_text_and_every_span_iob2_can_hold(record: Record) -> None:
    lost: list[str] = []
    first = "".join(write_conll_meta([record], on_loss=lost.append))
    (back,) = read(first)
    assert back.text == record.text and back.id == record.id
    assert "".join(write_conll_meta([back])) == first
    if not lost:
        # Every span comes back on the same tokens (trimmed of whitespace at its edges).
        assert [(record.text[s["start"] : s["end"]].strip(), s["label"]) for s in record.spans] == [
            (back.text[s["start"] : s["end"]], s["label"]) for s in back.spans
        ]


def test_a_flag_and_an_emoji_family_are_one_line_each() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    text = f"في حلب \U0001f1f8\U0001f1fe {family} ont fui."
    start = text.index("\U0001f1f8")
    record = Record(text=text, id="d1", spans=spans((3, start + 2, "LOCATION")))
    assert conll([record]).split("\n")[2:9] == [
        "في O",
        "حلب B-LOCATION",
        "\U0001f1f8\U0001f1fe I-LOCATION",
        f"{family} O",
        "ont O",
        "fui O",
        ". O",
    ]


# --- Sentences: never inside a span, not after an abbreviation ------------------------------


def sentences_as_a_plain_reader_sees_them(conll_text: str) -> list[list[tuple[str, list[str]]]]:
    """Per document, the spans (label, tokens) a reader finds that closes every span at a
    blank line, as most CoNLL readers do (seqeval, `datasets`' conll2003 script)."""
    documents: list[list[tuple[str, list[str]]]] = []
    for block in conll_text.split("-DOCSTART- O\n")[1:]:
        found: list[tuple[str, list[str]]] = []
        for sentence in block.strip("\n").split("\n\n"):
            lines = [line.rsplit(" ", 1) for line in sentence.split("\n") if line and not line.startswith("# ")]
            open_span = False
            for token, tag in lines:
                if tag.startswith("B-") or (tag.startswith("I-") and not open_span):
                    found.append((tag[2:], [token]))
                    open_span = True
                elif tag.startswith("I-"):
                    found[-1][1].append(token)
                else:
                    open_span = False
        documents.append(found)
    return documents


def test_abbreviations_do_not_end_sentences_and_a_period_elsewhere_does() -> None:
    record = Record(text="U.S. raids hit Homs. Dr. Adel said no. On Jan. 5 St. Simeon was hit.", id="d", spans=[])
    assert [line for line in conll([record]).split("\n") if line.endswith("O")][-1] == ". O"
    assert conll([record]).split("\n\n")[1:4] == [
        "U O\n. O\nS O\n. O\nraids O\nhit O\nHoms O\n. O",
        "Dr O\n. O\nAdel O\nsaid O\nno O\n. O",
        "On O\nJan O\n. O\n5 O\nSt O\n. O\nSimeon O\nwas O\nhit O\n. O",
    ]


def test_a_sentence_never_ends_inside_a_span() -> None:
    # "Gp." is no abbreviation the list knows, so the period would end a sentence there.
    text = "Rebels of the 5th Gp. Hawks killed 3. Then calm."
    record = Record(text=text, id="d", spans=spans((0, text.index(" killed"), "PERPETRATOR")), annotator="gold")
    written = conll([record])
    assert written.split("\n\n")[1].split("\n")[-1] == ". O" and "Hawks I-PERPETRATOR" in written
    assert sentences_as_a_plain_reader_sees_them(written) == [
        [("PERPETRATOR", ["Rebels", "of", "the", "5th", "Gp", ".", "Hawks"])]
    ]
    (back,) = read(written)
    assert [back.text[s["start"] : s["end"]] for s in back.spans] == ["Rebels of the 5th Gp .Hawks"]
    assert conll([back]) == written


def test_the_gold_set_as_conll_gives_back_exactly_the_gold_spans() -> None:
    from annotator.formats.registry import read_path
    from annotator.tokenize import tokenize
    from tests.conftest import FIXTURES

    gold = read_path(FIXTURES / "gold" / "dev.jsonl") + read_path(FIXTURES / "gold" / "seeds.jsonl")
    assert sum(len(r.spans or []) for r in gold) == 774
    lost: list[str] = []
    plain = conll(gold, on_loss=lost.append)
    assert lost == []
    expected = [
        [(s["label"], [t.text for t in tokenize(r.text) if s["start"] <= t.start < s["end"]]) for s in r.spans or []]
        for r in gold
    ]
    seen = sentences_as_a_plain_reader_sees_them(plain)
    assert sum(map(len, seen)) == 774 and seen == expected  # "U.S. raids" stays one span
    assert [len(r.spans) for r in read(plain)] == [len(r.spans or []) for r in gold]
    exact = read("".join(write_conll_meta(gold)))
    assert [[(s["start"], s["end"], s["label"]) for s in r.spans] for r in exact] == [
        [(s["start"], s["end"], s["label"]) for s in r.spans or []] for r in gold
    ]
