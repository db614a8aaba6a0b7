"""Reference data the assessment reads: EU thresholds with their validity and the route scores per criterion.

The first procurement migration and `seed_reference_data` insert these rows; afterwards they live in the database
(an admin edits the scores; a new threshold period is a new row), so the code never holds a threshold itself.
"""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from core.extensions import db

CRITERIA = {
    "freedom_of_choice": "Keuzevrijheid voor de deelnemer",
    "quality_control": "Sturing op kwaliteit",
    "market_size": "Aantal aanbieders in de markt",
    "price_competition": "Prijsconcurrentie",
    "administrative_burden": "Lage administratieve lasten",
    "speed": "Snelheid van inkoop",
    "volume_flexibility": "Flexibiliteit in volume",
    "local_embedding": "Lokale inbedding",
}

THRESHOLDS = [
    # kind, amount, valid from, valid until, source
    ("social_services", "750000.00", date(2024, 1, 1), date(2025, 12, 31),
     "Richtlijn 2014/24/EU art. 4 onder d (sociale en andere specifieke diensten, bijlage XIV)"),
    ("other_services", "221000.00", date(2024, 1, 1), date(2025, 12, 31),
     "Gedelegeerde Verordening (EU) 2023/2495; PIANOo, drempelwaarden 2024-2025 (decentrale overheden)"),
    ("social_services", "750000.00", date(2026, 1, 1), date(2027, 12, 31),
     "Richtlijn 2014/24/EU art. 4 onder d (sociale en andere specifieke diensten, bijlage XIV)"),
    ("other_services", "216000.00", date(2026, 1, 1), date(2027, 12, 31),
     "PIANOo, drempelwaarden 2026-2027 (decentrale overheden), zoals bekend bij invoer; controleer de "
     "gedelegeerde verordening van de Europese Commissie"),
]

# route: {criterion: score 0-5}; the weighted mean of these ranks the allowed routes.
ROUTE_SCORES = {
    "inbesteden": dict(freedom_of_choice=1, quality_control=5, market_size=1, price_competition=1,
                       administrative_burden=4, speed=4, volume_flexibility=3, local_embedding=5),
    "quasi_inbesteden": dict(freedom_of_choice=1, quality_control=4, market_size=1, price_competition=1,
                             administrative_burden=4, speed=4, volume_flexibility=4, local_embedding=4),
    "open_house": dict(freedom_of_choice=5, quality_control=3, market_size=5, price_competition=1,
                       administrative_burden=2, speed=3, volume_flexibility=5, local_embedding=3),
    "aanbesteding": dict(freedom_of_choice=2, quality_control=4, market_size=3, price_competition=5,
                         administrative_burden=2, speed=1, volume_flexibility=2, local_embedding=2),
    "subsidie": dict(freedom_of_choice=2, quality_control=2, market_size=2, price_competition=1,
                     administrative_burden=3, speed=3, volume_flexibility=2, local_embedding=4),
    "samenwerking": dict(freedom_of_choice=1, quality_control=4, market_size=1, price_competition=1,
                         administrative_burden=4, speed=4, volume_flexibility=3, local_embedding=5),
}


def threshold_rows() -> list[dict]:
    """Raw rows (amounts in cents) for the migration's bulk insert."""
    return [{"kind": kind, "amount_cents": int(Decimal(amount) * 100), "valid_from": start, "valid_until": end,
             "source": source} for kind, amount, start, end, source in THRESHOLDS]


def route_score_rows(routes=None) -> list[dict]:
    """Raw rows (scores in tenths) for a migration's bulk insert: every route's, or those of `routes`."""
    return [{"route": route, "criterion": criterion, "score": score * 10, "explanation": ""}
            for route, scores in ROUTE_SCORES.items() if routes is None or route in routes
            for criterion, score in scores.items()]


def seed_reference_data() -> None:
    """Insert the thresholds into an empty table and the score of every route without one (demo data and tests;
    migrations do it too). Scores an admin changed stay as they are."""
    from procurement.models import RouteScore, Threshold

    if not db.session.scalar(sa.select(sa.func.count()).select_from(Threshold)):
        db.session.add_all(Threshold(kind=kind, amount=Decimal(amount), valid_from=start, valid_until=end,
                                     source=source) for kind, amount, start, end, source in THRESHOLDS)
    scored = set(db.session.scalars(sa.select(RouteScore.route).distinct()))
    db.session.add_all(RouteScore(route=route, criterion=criterion, score=Decimal(score))
                       for route, scores in ROUTE_SCORES.items() if route not in scored
                       for criterion, score in scores.items())
