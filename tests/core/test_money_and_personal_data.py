import logging
from decimal import Decimal

import pytest

from core.errors import DomainError
from core.money import format_money, parse_decimal, percentage_of, round_money
from core.personal_data import bsn_lookup_hash, decrypt_bsn, encrypt_bsn, mask_bsn, normalise_bsn, redact_bsns


@pytest.mark.parametrize("percentage, amount, expected", [
    # half-up, where half-even and float round() give the lower cent
    ("25", "1000.42", "250.11"),
    ("30", "1001.75", "300.53"),
    ("12.5", "2345.90", "293.24"),
    ("100", "0.00", "0.00"),
])
def test_percentages_round_half_up(percentage, amount, expected):
    assert percentage_of(Decimal(percentage), Decimal(amount)) == Decimal(expected)


def test_round_money_is_half_up():
    assert round_money(Decimal("0.125")) == Decimal("0.13") and round_money(Decimal("-0.125")) == Decimal("-0.13")


@pytest.mark.parametrize("text, value", [("12,5", Decimal("12.5")), ("12.50", Decimal("12.50")), (" 3 ", Decimal(3))])
def test_parse_decimal_accepts_comma_and_dot(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["12.345", "abc", "NaN", "Infinity", ""])
def test_parse_decimal_refuses(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_format_money_is_dutch():
    assert format_money(Decimal("1234567.5")) == "€ 1.234.567,50"


#: How a BSN may be written on input: nine digits, grouped by spaces, dots or hyphens.
ACCEPTED_FORMS = ["111222333", "1112.22.333", "111 222 333", "111-222-333", " 111.222.333 "]


@pytest.mark.parametrize("value, ok", [
    *((form, True) for form in ACCEPTED_FORMS),
    # refused: the elfproef, a digit too many or too few (stdnum would pad 11122233 with a zero), letters, gaps
    ("123456789", False),
    ("000000000", False),
    ("1112223334", False),
    ("11122233", False),
    ("11122233a", False),
    ("111  222 333", False),
])
def test_bsn_elfproef(value, ok):
    if ok:
        assert normalise_bsn(value) == "111222333"
    else:
        with pytest.raises(DomainError, match="negen cijfers en voldoet aan de elfproef"):
            normalise_bsn(value)


@pytest.mark.parametrize("form", ACCEPTED_FORMS)
def test_every_accepted_form_of_a_bsn_is_redacted(form):
    assert redact_bsns(f"participant ({form}) moved") == f"participant ({form.replace(form.strip(), '[BSN]')}) moved"


def test_bsn_is_encrypted_hashed_and_masked(ctx):
    token = encrypt_bsn("111222333")
    assert "111222333" not in token and decrypt_bsn(token) == "111222333"
    assert bsn_lookup_hash("111222333") == bsn_lookup_hash("111222333") != bsn_lookup_hash("123456782")
    assert mask_bsn("111222333") == "*****2333"


def test_bsns_never_reach_the_log(app, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("any").info("participant %s moved", "111222333")
    try:
        raise ValueError("bad bsn 111222333")
    except ValueError:
        logging.getLogger("any").exception("failed")
    assert "111222333" not in caplog.text and "[BSN]" in caplog.text
    assert redact_bsns("order 123456789 stays") == "order 123456789 stays"
    assert redact_bsns("IBAN NL91ABNA0417164300, 2026-11-23 10:15, tel 06-12345678") == \
        "IBAN NL91ABNA0417164300, 2026-11-23 10:15, tel 06-12345678"


@pytest.mark.parametrize("value, shown", [
    (Decimal("10.0000"), "10"), (Decimal("0.8500"), "0,85"), (Decimal("12.5"), "12,5"), (Decimal("100"), "100"),
    (None, "-"),
])
def test_numbers_are_shown_in_dutch_without_exponent_or_trailing_zeros(value, shown):
    from core.templating import format_number

    assert format_number(value) == shown
