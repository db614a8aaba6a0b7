"""The conditions of a referral (trajectories.referrals), through the service and through HTTP."""
from datetime import date

import pytest
import sqlalchemy as sa

from core.errors import DomainError
from core.extensions import db
from core.models import Role
from tests.factories import service
from trajectories.models import Trajectory
from trajectories.services import create_trajectory

TODAY = date(2026, 11, 23)


@pytest.fixture
def refer(make_contract, make_municipality):
    """refer(service_code, **fields): refer a participant to a fresh contract for that service."""
    town = make_municipality()

    def do(code="b1_route", contract=None, **fields):
        contract = contract or make_contract(service=service(code), municipalities=[town])
        data = {"reference": f"TRJ-{code}-{len(fields)}", "contract_id": contract.id,
                "municipality": contract.municipalities[0].code, "referral_date": date(2026, 3, 1)} | fields
        return create_trajectory(data, by=None, today=TODAY)

    return do


@pytest.mark.parametrize("code, fields, field", [
    # alfabetisering (DUO's PIP flag) and a duaal traject are parts of a leerroute
    ("b1_route", {"alfabetisering": "A"}, None),
    ("z_route", {"alfabetisering": "AA", "is_duaal": True}, None),
    ("onderwijsroute", {"is_duaal": True}, None),
    ("b1_route", {"alfabetisering": "NVT"}, None),
    ("knm", {"alfabetisering": "A"}, "alfabetisering"),
    ("map", {"is_duaal": True}, "is_duaal"),
    ("map", {"alfabetisering": "NVT", "is_duaal": False}, None),
])
def test_alfabetisering_and_duaal_only_within_a_leerroute(ctx, refer, code, fields, field):
    if field is None:
        trajectory = refer(code, **fields)
        assert trajectory.alfabetisering == (fields.get("alfabetisering") if fields.get("alfabetisering") != "NVT"
                                             else None)
        assert trajectory.is_duaal == fields.get("is_duaal", False)
        return
    with pytest.raises(DomainError) as caught:
        refer(code, **fields)
    assert caught.value.field == field and "leerroute" in caught.value.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Trajectory)) == 0


def test_the_api_records_the_pip_flags_and_refuses_them_outside_a_leerroute(api, make_contract, make_municipality,
                                                                           make_user):
    town = make_municipality()
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[town])
    z_route = make_contract(service=service("z_route"), municipalities=[town])
    knm = make_contract(service=service("knm"), municipalities=[town])
    body = {"reference": "TRJ-ALFA", "municipality": town.code, "referral_date": "2026-03-01",
            "alfabetisering": "A", "is_duaal": True}
    client = api(manager)
    created = client.post("/api/v1/trajectories", json=body | {"contract_id": z_route.id})
    assert created.status_code == 201 and (created.json["alfabetisering"], created.json["is_duaal"]) == ("A", True)
    refused = client.post("/api/v1/trajectories", json=body | {"reference": "TRJ-KNM", "contract_id": knm.id})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "alfabetisering"
    wrong = client.post("/api/v1/trajectories", json=body | {"reference": "TRJ-X", "contract_id": z_route.id,
                                                             "alfabetisering": "B"})
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "alfabetisering"
