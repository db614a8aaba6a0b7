"""The service catalogue of the Wet inburgering 2021; the first migration seeds it, data migrations change it.

Alfabetisering and the duaal traject are listed (the API's catalogue names them) as parts of a leerroute: DUO's PIP
flags alfabetiseringsonderwijs within a leerroute, and a duaal traject is a leerroute combined with work. They are
recorded on the referral, and bought with the leerroute, not as services of their own."""

SERVICES = [
    # code, name, kind, CPV code, falls under the light regime for social and other specific services
    ("b1_route", "B1-route", "leerroute", "80580000", True),
    ("onderwijsroute", "Onderwijsroute", "leerroute", "80580000", True),
    ("z_route", "Z-route (zelfredzaamheidsroute)", "leerroute", "80580000", True),
    ("alfabetisering", "Alfabetisering", "leerroute_onderdeel", "80580000", True),
    ("knm", "Kennis van de Nederlandse Maatschappij (KNM)", "participatietraject", "80580000", True),
    ("map", "Module Arbeidsmarkt en Participatie (MAP)", "participatietraject", "80530000", True),
    ("pvt", "Participatieverklaringstraject (PVT)", "participatietraject", "80580000", True),
    ("maatschappelijke_begeleiding", "Maatschappelijke begeleiding", "participatietraject", "85310000", True),
    # administrative social services (CPV 85321000, annex XIV), not collection agency services (79940000)
    ("financieel_ontzorgen", "Financieel ontzorgen", "participatietraject", "85321000", True),
    ("duaal_traject", "Duaal traject", "leerroute_onderdeel", "80580000", True),
]


def service_rows() -> list[dict]:
    return [
        {"code": code, "name": name, "kind": kind, "cpv_code": cpv, "is_social_service": social, "position": pos}
        for pos, (code, name, kind, cpv, social) in enumerate(SERVICES, start=1)
    ]
