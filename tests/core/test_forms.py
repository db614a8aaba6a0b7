from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from core.forms import AmountField, ShareField


class NumbersForm(FlaskForm):
    class Meta:
        csrf = False

    amount = AmountField(places=2)
    share = ShareField()


@pytest.mark.parametrize("typed, amount, share", [
    ("4250,00", Decimal("4250.00"), 4250.0),
    ("4.250,50", Decimal("4250.50"), 4250.5),
    ("4250.50", Decimal("4250.50"), 4250.5),
    (" 12,5 ", Decimal("12.5"), 12.5),
    ("1.000.000,01", Decimal("1000000.01"), 1000000.01),
])
def test_numbers_are_read_as_dutch_users_type_them(app, typed, amount, share):
    with app.test_request_context():
        form = NumbersForm(formdata=MultiDict({"amount": typed, "share": typed}))
        assert form.validate(), form.errors
        assert (form.amount.data, form.share.data) == (amount, share)


@pytest.mark.parametrize("typed", ["12,5,0", "twaalf", "1,2.5"])
def test_a_number_that_is_no_number_is_an_error_on_its_field(app, typed):
    with app.test_request_context():
        form = NumbersForm(formdata=MultiDict({"amount": typed, "share": typed}))
        assert not form.validate()
        assert set(form.errors) == {"amount", "share"}
