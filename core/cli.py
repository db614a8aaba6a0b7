"""flask users create|token|disable, flask demo load, flask scheduler run|once, flask audit verify."""
import secrets
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from core import audit as audit_log, demo as demo_data, services
from core.auth import issue_token
from core.errors import DomainError
from core.extensions import db
from core.models import Region, Role, User
from core.scheduler import build_scheduler, run_job

users = AppGroup("users", help="Gebruikers en API-tokens.")
demo = AppGroup("demo", help="Demoregio laden.")
scheduler = AppGroup("scheduler", help="Geplande taken.")
audit = AppGroup("audit", help="Auditlog.")


def _provider_id(kvk: str | None) -> int | None:
    if kvk is None:
        return None
    provider = sa.table("provider", sa.column("id"), sa.column("kvk_number"))  # core never imports providers
    found = db.session.scalar(sa.select(provider.c.id).where(provider.c.kvk_number == kvk))
    if found is None:
        raise click.ClickException(f"Geen aanbieder met KvK-nummer {kvk}.")
    return found


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--municipality", "municipalities", multiple=True, help="CBS-code, herhaalbaar.")
@click.option("--region", help="Naam van de regio.")
@click.option("--provider", "provider_kvk", help="KvK-nummer van de aanbieder (rol provider).")
@click.option("--name", default="")
def create_user(email, role, municipalities, region, provider_kvk, name):
    """Maak een gebruiker; vraagt om een wachtwoord, of genereert er een zonder terminal."""
    region_obj = None
    if region:
        region_obj = db.session.scalar(sa.select(Region).where(Region.name == region))
        if region_obj is None:
            raise click.ClickException(f"Onbekende regio: {region}.")
    generated = not sys.stdin.isatty()
    password = secrets.token_urlsafe(18) if generated else click.prompt(
        "Wachtwoord", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, Role(role), password, by=None, name=name, region=region_obj,
                                    municipalities=[services.municipality_by_code(c) for c in municipalities],
                                    provider_id=_provider_id(provider_kvk))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Gebruiker {user.email} ({user.role}) aangemaakt.")
    if generated:
        click.echo(f"Wachtwoord: {password}")


@users.command("token")
@click.argument("email")
def create_token(email):
    """Druk een nieuw API-token af voor deze gebruiker."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"Geen gebruiker met e-mailadres {email}.")
    token = issue_token(user)
    db.session.commit()
    click.echo(token)


@users.command("disable")
@click.argument("email")
def disable_user(email):
    """Blokkeer een gebruiker: sessies en tokens werken direct niet meer."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"Geen gebruiker met e-mailadres {email}.")
    services.set_user_enabled(user, False, by=None)
    db.session.commit()
    click.echo(f"Gebruiker {user.email} geblokkeerd.")


@demo.command("load")
def load_demo():
    """Laad de demoregio Drechtsteden met één gebruiker per rol en druk de logins af."""
    logins = demo_data.load_all()
    db.session.commit()
    click.echo("Demoregio geladen. Inloggen op http://127.0.0.1:5000/login met:")
    for email, role, password in logins:
        click.echo(f"  {role:16} {email:40} {password}")


@scheduler.command("run")
def run_scheduler():
    """Draai de planner (blokkerend): hij stuurt elke geplande taak op haar tijd naar een Celery-worker."""
    jobs = current_app.extensions.get("jobs", {})
    click.echo(f"Planner gestart met {len(jobs)} taken: {', '.join(sorted(jobs)) or '-'}")
    build_scheduler(current_app._get_current_object()).start()


@scheduler.command("once")
@click.argument("job_id")
def run_once(job_id):
    """Voer één geplande taak nu uit (wordt overgeslagen als hij voor deze periode al liep)."""
    jobs = current_app.extensions.get("jobs", {})
    if job_id not in jobs:
        raise click.ClickException(f"Onbekende taak {job_id}; bekend: {', '.join(sorted(jobs)) or '-'}")
    click.echo(run_job(current_app._get_current_object(), job_id) or "al uitgevoerd voor deze periode")


@audit.command("verify")
def verify_audit():
    """Controleer de hashketen van het auditlog; afwijkende regels geven exitcode 1."""
    count, broken = audit_log.verify()
    if broken:
        shown = ", ".join(map(str, broken[:20])) + (" ..." if len(broken) > 20 else "")
        raise click.ClickException(f"Auditlog gewijzigd: de keten klopt niet bij {len(broken)} van {count} regels "
                                   f"(id {shown}).")
    click.echo(f"Auditlog intact: {count} regels.")
