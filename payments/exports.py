"""The finance exports of an approved run: journal (CSV, XLSX), SEPA pain.001.001.09, specification data."""
import csv
import io
import re
import unicodedata
from collections import defaultdict
from datetime import date
from decimal import Decimal
from functools import partial

import sqlalchemy as sa
from openpyxl import Workbook
from sepaxml import SepaTransfer
from sqlalchemy.orm import joinedload

from contracts.models import Contract
from core.errors import Conflict, DomainError
from core.extensions import db
from payments.models import LineStatus, PaymentLine, PaymentRun, RunStatus
from payments.bank_details import creditors, pin_debtor
from payments.services import ledger_accounts, run_region

JOURNAL_HEADER = ["run", "periode", "aanbieder", "kvk", "contract", "gemeente_code", "gemeente", "kostenplaats",
                  "grootboekrekening", "traject", "mijlpaal", "omschrijving", "soort", "maand", "triggerdatum",
                  "regel", "reden", "bedrag"]
#: The journal as CSV: (delimiter, decimal separator, encoding) per file name. journal.csv is for Dutch Excel
#: (which reads 1050.00 as text or thousands); journal-machine.csv for import into a financial system.
JOURNAL_CSV = {"journal.csv": (";", ",", "utf-8-sig"), "journal-machine.csv": (",", ".", "utf-8")}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
SEPA_SCHEMA = "pain.001.001.09"
_EPC_OUTSIDE = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def require_approved(run: PaymentRun) -> None:
    if run.status != RunStatus.APPROVED:
        raise Conflict("Exports zijn er alleen van een goedgekeurde betaalrun.")


def safe_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe (ASVS V1.2.10)."""
    if isinstance(value, str):
        value = value.replace("\0", "")
        return "'" + value if value.startswith(FORMULA_START) else value
    return value


def paid_lines(run: PaymentRun, provider_id: int | None = None) -> list[PaymentLine]:
    stmt = (sa.select(PaymentLine).where(PaymentLine.run_id == run.id, PaymentLine.status != LineStatus.HELD)
            .options(joinedload(PaymentLine.provider), joinedload(PaymentLine.municipality),
                     joinedload(PaymentLine.contract).joinedload(Contract.service),
                     joinedload(PaymentLine.trajectory))
            .order_by(PaymentLine.provider_id, PaymentLine.contract_id, PaymentLine.municipality_id,
                      PaymentLine.trigger_date, PaymentLine.id))
    if provider_id is not None:
        stmt = stmt.where(PaymentLine.provider_id == provider_id)
    return db.session.scalars(stmt).all()


def journal_rows(run: PaymentRun):
    """One row per paid line, in JOURNAL_HEADER order; values are typed (int, Decimal, date, text)."""
    accounts = ledger_accounts(run_region(run))
    for line in paid_lines(run):
        yield [run.id, run.period, line.provider.name, line.provider.kvk_number, line.contract.reference,
               line.municipality.code, line.municipality.name, line.municipality.cost_centre or "",
               accounts.get((line.contract.service_id, line.milestone_kind), ""), line.trajectory.reference,
               line.milestone_code, line.milestone_label, line.milestone_kind,
               line.month.strftime("%Y-%m") if line.month else "", line.trigger_date, line.status_label,
               line.reason or "", line.amount]


def journal_csv(run: PaymentRun, name: str = "journal.csv") -> bytes:
    return csv_file(JOURNAL_HEADER, journal_rows(run), name)


def csv_file(header: list[str], rows, name: str = "journal.csv") -> bytes:
    """Rows in one of the finance CSV formats (JOURNAL_CSV: Excel-NL or machine), for the journal and the year-end:
    amounts with two decimals and no thousands separator, ISO dates, CRLF, formula-safe text."""
    delimiter, decimal, encoding = JOURNAL_CSV[name]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value, decimal) for value in row])
    return out.getvalue().encode(encoding)


def _csv_cell(value, decimal: str) -> str:
    """Numbers and dates as they are (a minus sign is no formula); only text gets the formula guard."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", decimal)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return safe_cell(value)


def journal_xlsx(run: PaymentRun) -> bytes:
    """The journal plus a summary sheet per municipality and per provider."""
    book = Workbook()
    by_municipality, by_provider = defaultdict(Decimal), defaultdict(Decimal)
    for row in add_sheet(book, "Journaal", JOURNAL_HEADER, journal_rows(run), first=True):
        by_municipality[(row[5], row[6], row[7])] += row[-1]
        by_provider[(row[2], row[3])] += row[-1]
    _summary(book, "Per gemeente", ["gemeente_code", "gemeente", "kostenplaats", "bedrag"], by_municipality)
    _summary(book, "Per aanbieder", ["aanbieder", "kvk", "bedrag"], by_provider)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def add_sheet(book: Workbook, title: str, header: list[str], rows, *, first: bool = False):
    """Write rows to a sheet as the journal does (formula-safe text, amounts as numbers in #,##0.00), yielding each
    row after it is written; `first` names the workbook's first sheet instead of adding one."""
    sheet = book.active if first else book.create_sheet(title)
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        for column, value in enumerate(row, start=1):
            if isinstance(value, Decimal):
                sheet.cell(sheet.max_row, column).number_format = "#,##0.00"
        yield row


def _summary(book, title: str, header: list[str], totals: dict) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for key in sorted(totals):
        sheet.append([*(safe_cell(k) for k in key), totals[key]])
    sheet.append(["Totaal", *[""] * (len(header) - 2), sum(totals.values(), Decimal("0.00"))])


def epc_text(text: str, length: int) -> str:
    """EPC217-08 Latin subset: accents dropped, anything else outside the set becomes a space."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r" +", " ", _EPC_OUTSIDE.sub(" ", plain)).strip()[:length]


def provider_totals(run: PaymentRun) -> list[tuple]:
    """(provider, net amount) per provider of the run's paid lines."""
    totals: dict = defaultdict(Decimal)
    providers = {}
    for line in paid_lines(run):
        totals[line.provider_id] += line.amount
        providers[line.provider_id] = line.provider
    return [(providers[pid], totals[pid]) for pid in sorted(totals)]


def sepa_xml(run: PaymentRun, *, execution_date: date) -> bytes:
    """One transfer per provider with a positive net total, to and from the names, IBANs and BICs pinned when the
    run was approved (payments.bank_details.pin); no addresses (structured-only from Nov 2026)."""
    pin_debtor(run)
    if run.debtor_iban is None:
        raise DomainError("Stel eerst de betalende organisatie (naam, IBAN) in voor deze regio of gemeente.")
    config = {"name": epc_text(run.debtor_name, 70), "IBAN": run.debtor_iban, "batch": True, "currency": "EUR"}
    if run.debtor_bic:
        config["BIC"] = run.debtor_bic
    transfer = SepaTransfer(config, schema=SEPA_SCHEMA, clean=True)
    payable = [(provider, amount) for provider, amount in provider_totals(run) if amount > 0]
    if not payable:
        raise Conflict("Deze betaalrun heeft geen aanbieder met een positief saldo; er is niets over te maken.")
    pinned = creditors(run)
    missing = [provider.name for provider, _ in payable if not pinned[provider.id].iban.strip()]
    if missing:
        raise DomainError(f"Geen IBAN bekend van {', '.join(missing)} toen de betaalrun werd goedgekeurd; het "
                          "SEPA-bestand betaalt alleen aan de bankgegevens van de goedkeuring.")
    for provider, amount in payable:  # sepaxml's own MsgId (timestamp-hex, 27 characters) fits Max35
        creditor = pinned[provider.id]
        payment = {"name": epc_text(creditor.name, 70), "IBAN": creditor.iban, "amount": int(amount.scaleb(2)),
                   "execution_date": execution_date, "endtoend_id": f"RUN{run.id}-PRV{provider.id}"[:35],
                   "description": epc_text(f"Betaalrun {run.id} periode {run.period} {creditor.name} "
                                           f"KvK {provider.kvk_number}", 140)}
        if creditor.bic:
            payment["BIC"] = creditor.bic
        transfer.add_payment(payment)
    return transfer.export(validate=True)


def specification(run: PaymentRun, provider_id: int) -> dict:
    """What the provider's PDF shows: lines grouped by contract and municipality, pseudonymised."""
    lines = paid_lines(run, provider_id)
    groups: dict = defaultdict(list)
    for line in lines:
        groups[(line.contract.reference, line.municipality.code, line.municipality.name)].append(
            {"trajectory": line.trajectory.reference, "pseudonym": line.trajectory.participant_pseudonym,
             "milestone": f"{line.milestone_code} {line.milestone_label}", "kind": line.milestone_kind,
             "month": line.month.strftime("%Y-%m") if line.month else "", "trigger_date": line.trigger_date,
             "amount": line.amount, "status": line.status})
    provider = lines[0].provider if lines else None
    total = sum((l.amount for l in lines), Decimal("0.00"))
    return {"run": run, "provider": provider, "groups": dict(sorted(groups.items())), "total": total}


EXPORTS = {
    **{name: (partial(journal_csv, name=name), "text/csv") for name in JOURNAL_CSV},  # send_file adds the charset
    "journal.xlsx": (journal_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "sepa.xml": (None, "application/xml"),
}


def export_file(run: PaymentRun, name: str, *, by, today: date) -> tuple[bytes, str]:
    """The bytes and media type of one export; each download is audited (financial data)."""
    from core import audit

    require_approved(run)
    build, mimetype = EXPORTS[name]
    body = sepa_xml(run, execution_date=today) if build is None else build(run)
    audit.record(by, "payment_run_exported", run, f"{run}: {name}")
    return body, mimetype
