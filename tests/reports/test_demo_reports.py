"""The README's coordinator journey on the data `coil demo` loads: Sanne (Amsterdam) filters
her dashboard by faculty and exports; the Mexico City students of the running exchange appear
under pseudonyms, the same in a second export; another coordinator sees none of it."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select

from coil.demo.seed import DEMO_PASSWORD, seed_demo
from coil.reports import jobs
from coil.reports.models import ExportJob
from tests.conftest import csrf_token

BUSINESS = "Faculty of Business and Economics"
AMSTERDAM, MEXICO = "Hogeschool Amstelland", "Universidad Tecnológica del Valle"
PSEUDONYM = re.compile(r"^P-[0-9A-HJKMNP-TV-Z]{8}$")


def login(client: Any, auth: Any, email: str) -> None:
    auth.logout()
    assert auth.login(email, DEMO_PASSWORD).status_code == 302, email


def export(client: Any, db: Any, query: str = "") -> list[dict[str, Any]]:
    """Export JSON Lines (stable keys, whatever the coordinator's language) and read it."""
    token = csrf_token(client, f"/reports{query}")
    data = {"csrf_token": token, "format": "jsonl"}
    assert client.post(f"/reports/exports{query}", data=data).status_code == 302
    jobs.run_pending()
    job = db.session.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()
    assert job is not None and job.status == "done", job and job.error
    response = client.get(f"/reports/exports/{job.id}/download")
    assert response.status_code == 200
    lines = response.get_data().decode().splitlines()
    response.close()
    return [json.loads(line) for line in lines]


def test_sanne_exports_with_mexico_city_students_pseudonymised(app, db, client, auth) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    seed_demo()
    login(client, auth, "sanne@amstelland.example")
    page = client.get("/reports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert BUSINESS in html and "Facultad de Negocios" not in html  # her own faculties only
    query = "?faculty=" + BUSINESS.replace(" ", "+")
    filtered = client.get(f"/reports{query}").get_data(as_text=True)
    assert "pseudoniem" in filtered  # Sanne reads Dutch: partner students under a pseudonym

    first, second = export(client, db, query), export(client, db, query)
    ours = [r for r in first if r["institution"] == AMSTERDAM]
    theirs = [r for r in first if r["institution"] == MEXICO]
    assert {"Daan Bakker", "Lotte Visser"} <= {r["name"] for r in ours}
    assert len(theirs) >= 4 and all(PSEUDONYM.match(r["name"]) for r in theirs)
    assert all(r["email"] == "" for r in theirs)
    text = repr(first)
    assert "Diego Torres" not in text and "utvalle.example" not in text
    again = [r["name"] for r in second if r["institution"] == MEXICO]
    assert again == [r["name"] for r in theirs]  # stable across exports

    # Lucía (Mexico City) sees her students by name and Amsterdam's under pseudonyms
    login(client, auth, "lucia@utvalle.example")
    hers = export(client, db)
    assert "Diego Torres" in {r["name"] for r in hers}
    amsterdam = [r for r in hers if r["institution"] == AMSTERDAM]
    assert amsterdam and all(PSEUDONYM.match(r["name"]) for r in amsterdam)

    # a coordinator of an institution outside that exchange sees none of its students
    login(client, auth, "dewi@nusantara.example")
    others = export(client, db)
    assert not {r["institution"] for r in others} & {AMSTERDAM, MEXICO}
