from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from core.errors import DomainError
from core.forms import AmountField, ShareField
from core.web import show_domain_error


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


class BankForm(FlaskForm):
    class Meta:
        csrf = False

    iban = StringField("IBAN")
    bsn = StringField("BSN")


@pytest.mark.parametrize("error, on_iban, on_bsn, above", [
    # a rule about a field shows on that field, not elsewhere
    (DomainError("Ongeldig IBAN.", field="iban"), ["Ongeldig IBAN."], [], []),
    # a rule about no field of the form (a scope) shows above the form, not on the IBAN
    (DomainError("Buiten uw bereik.", field="scope"), [], [], ["Buiten uw bereik."]),
    (DomainError("Buiten uw bereik."), [], [], ["Buiten uw bereik."]),
    # a dotted name finds its field; list items name their row and the field's label
    (DomainError("Ongeldig.", errors=[{"field": "participant.bsn", "message": "Elfproef faalt."},
                                      {"index": 1, "field": "iban", "message": "Leeg."}]),
     [], ["Elfproef faalt."], ["Ongeldig.", "Regel 2: IBAN: Leeg."]),
])
def test_a_business_error_shows_on_its_field_or_above_the_form(app, error, on_iban, on_bsn, above):
    with app.test_request_context():
        form = BankForm(formdata=MultiDict())
        form.validate()
        show_domain_error(form, error)
        assert (list(form.iban.errors), list(form.bsn.errors), form.form_errors) == (on_iban, on_bsn, above)
