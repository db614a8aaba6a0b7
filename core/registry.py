"""What domain packages plug into the shell: navigation, start-page panels and demo loaders."""
from dataclasses import dataclass, field, replace
from typing import Callable

from flask import Flask

from core.models import Role


#: The menu's first row: one entry per task, in this order; a task's pages form the second row.
NAV_GROUPS = ("Inkoop", "Contractbeheer", "Uitvoering", "Prestaties", "Financiën", "Beheer")


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset = field(default_factory=frozenset)  # empty: every logged-in user
    order: int = 50
    group: str = "Uitvoering"  # one of NAV_GROUPS


@dataclass(frozen=True)
class Panel:
    """A block on the start page: `template` is rendered with the dict that `context(user, today)` returns."""

    template: str
    context: Callable
    roles: frozenset
    order: int = 50


@dataclass(frozen=True)
class DemoStep:
    """Part of `flask demo load`; steps run by order and receive the dict that earlier steps filled."""

    name: str
    load: Callable
    order: int


def _add(app: Flask, key: str, item) -> None:
    """What a region's admin sees, the national admin sees too."""
    if Role.ADMIN in getattr(item, "roles", ()):
        item = replace(item, roles=item.roles | {Role.NATIONAL_ADMIN})
    app.extensions.setdefault(key, []).append(item)


def register_nav(app: Flask, item: NavItem) -> None:
    _add(app, "nav", item)


def register_panel(app: Flask, panel: Panel) -> None:
    _add(app, "panels", panel)


def register_signals(app: Flask, panel: Panel) -> None:
    """A block of signals from a higher domain, shown in the signals list (/indicatoren/signalen) above its own."""
    _add(app, "signals", panel)


def register_demo(app: Flask, step: DemoStep) -> None:
    _add(app, "demo", step)


def items(app: Flask, key: str) -> list:
    return sorted(app.extensions.get(key, []), key=lambda item: item.order)
