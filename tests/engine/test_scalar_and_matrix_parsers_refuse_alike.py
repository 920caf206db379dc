"""One tokenizer for both grammars: a bad scalar formula gets the same message at the same character from the scalar
parser and from the matrix parser (names a–g are scalars in the matrix convention, so no shape error comes first)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.expr.parser import ParseError, parse
from engine.matrix.parser import parse_matrix

BAD = ["", "a +", "a**", "a ** (b", "a // b", "a % b", "a == b", "a != b", "a @ b", "a <= b", "~a", "a & b",
       "(a", "a)", "()", "sin", "sin()", "sin(a, b)", "foo(a)", "a b", "2(a)", "[a]", "{a}", "a $ b", "١+a",
       "a^２", "a*/b", "a^*b", "-", "a,b", "sin(a,)", "a + * b", "(" * 101 + "a" + ")" * 101, "a+" * 1000 + "a"]


def refusal(parser, text: str) -> tuple[str, int]:
    with pytest.raises(ParseError) as caught:
        parser(text)
    assert type(caught.value) is ParseError   # not a shape error
    return caught.value.message, caught.value.position


@pytest.mark.parametrize("text", BAD)
def test_the_same_bad_formula_gets_the_same_message_and_position(text):
    assert refusal(parse_matrix, text) == refusal(parse, text)


def test_the_typed_operator_is_named_in_both():
    assert refusal(parse_matrix, "a**") == refusal(parse, "a**") == ("missing operand after '**'", 1)
    assert refusal(parse_matrix, "a // b") == ("unknown operator '//'", 2)


# names joined from these start with a–g (scalars in the matrix convention); a call starts after a space
PIECES = st.sampled_from(["a", "b", "c", "1", "2.5", "1e3", "+", "-", "*", "/", "^", "**", "(", ")", ",", " ",
                          " sin(", " exp", " log(", "//", "%", "==", "[", "$", "١", "e"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_whatever_the_scalar_parser_refuses_the_matrix_parser_refuses_alike(text):
    try:
        parse(text)
    except ParseError as error:
        assert refusal(parse_matrix, text) == (error.message, error.position)


@pytest.mark.parametrize("opener, closer, times", [("(", ")", 100), ("exp(", ")", 100), ("-", "", 100),
                                                   ("2^", "", 100), ("sin(-", ")", 50)])   # 100 levels each
@pytest.mark.parametrize("parser", [parse, parse_matrix])
def test_both_grammars_read_the_deepest_nesting_they_allow(parser, opener, closer, times):
    assert parser(opener * times + "a" + closer * times) is not None
