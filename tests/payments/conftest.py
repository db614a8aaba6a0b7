"""Two regions for the bank detail rules: the provider works with the north only."""
from types import SimpleNamespace

import pytest

from core.extensions import db
from core.models import Role
from core.scope import relate_provider

OLD_IBAN, OLD_BIC = "NL91ABNA0417164300", "ABNANL2A"
NEW_IBAN, NEW_BIC = "NL44RABO0123456789", "RABONL2U"


@pytest.fixture
def bank_world(make_region, make_provider, make_user):
    north, south = make_region(name="Noord"), make_region(name="Zuid")
    provider = make_provider(name="Taalschool Noord", iban=OLD_IBAN, bic=OLD_BIC)
    relate_provider(provider.id, [north])
    town, other_town = north.municipalities
    users = {
        "finance": make_user(Role.FINANCE, region=north), "finance2": make_user(Role.FINANCE, region=north),
        "manager": make_user(Role.CONTRACTMANAGER, region=north), "admin": make_user(Role.ADMIN, region=north),
        "inkoper": make_user(Role.INKOPER, region=north), "national": make_user(Role.ADMIN),
        "town_finance": make_user(Role.FINANCE, municipalities=[town]),
        "town_finance2": make_user(Role.FINANCE, municipalities=[town]),
        "other_town_finance": make_user(Role.FINANCE, municipalities=[other_town]),
        "south_finance": make_user(Role.FINANCE, region=south), "south_admin": make_user(Role.ADMIN, region=south),
        "south_manager": make_user(Role.CONTRACTMANAGER, region=south),
        "provider_user": make_user(Role.PROVIDER, provider=provider),
    }
    db.session.commit()
    return SimpleNamespace(north=north, south=south, town=town, other_town=other_town, provider=provider, **users)
