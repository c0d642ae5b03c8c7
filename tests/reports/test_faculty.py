"""Filtering reports by the faculty and programme of the coordinator's own courses."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from coil.reports import jobs
from coil.reports.figures import Filters, count_records, records
from coil.reports.models import ExportJob
from tests.conftest import csrf_token
from tests.courses.test_views import form_values
from tests.reports.conftest import AS_OF
from tests.world import World


def nl(world: World, **changes: Any) -> Filters:
    return Filters(world.institutions["nl"].id, **{"as_of": AS_OF, **changes})


def test_a_lecturer_gives_the_course_a_faculty_and_programme(kopi: World, auth, client, db):
    course = kopi.courses["nl"]
    auth.login(kopi["lena"].email)
    page = client.get(f"/courses/{course.id}/edit").get_data(as_text=True)
    values = MultiDict(form_values(page))
    values["faculty"] = "  Faculty of  Business "
    values["programme"] = "BBA International Business"
    response = client.post(f"/courses/{course.id}/edit", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(course)
    assert (course.faculty, course.programme) == (
        "Faculty of Business",
        "BBA International Business",
    )
    shown = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Faculty of Business" in shown and "BBA International Business" in shown


def test_records_by_faculty_and_programme(kopi: World, factory: Any, db: Any) -> None:
    kopi.courses["nl"].faculty, kopi.courses["nl"].programme = "Business", "BBA"
    kopi.courses["id"].faculty = "Economics"  # the partner's: not a filter of ours
    other = factory.course(kopi["lena"], title="Law for engineers")
    other.faculty = "Law"
    db.session.commit()
    business = list(records(nl(kopi, faculty="Business")))
    assert sorted(r.name for r in business if not r.partner) == ["Anna", "Bram"]
    assert [r.partner for r in business].count(True) == 1  # Dewi comes along, pseudonymised
    assert count_records(nl(kopi, faculty="Business", programme="BBA")) == 3
    assert count_records(nl(kopi, faculty="Business", programme="MBA")) == 0
    assert count_records(nl(kopi, faculty="Law")) == 0  # that course is in no exchange
    assert count_records(nl(kopi, faculty="Economics")) == 0  # a faculty of the partner's


def test_the_dashboard_offers_own_faculties_and_refuses_others(kopi: World, auth, client, db):
    kopi.courses["nl"].faculty = "Business"
    kopi.courses["id"].faculty = "Economics"
    db.session.commit()
    auth.login(kopi["cora"].email)
    page = client.get("/reports?faculty=Business")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="faculty"' in html and ">Economics<" not in html
    foreign = client.get("/reports?faculty=Economics")
    assert foreign.status_code == 422
    assert "Choose a faculty of your institution" in foreign.get_data(as_text=True)
    assert client.get("/reports?programme=Nothing").status_code == 422
    # an export with a foreign faculty is refused and leaves nothing behind
    token = csrf_token(client, "/reports")
    client.post("/reports/exports?faculty=Economics", data={"csrf_token": token, "format": "csv"})
    assert db.session.scalars(select(ExportJob)).all() == []
    # the filter travels with the export: the dashboard's figures and the file agree
    client.post("/reports/exports?faculty=Business", data={"csrf_token": token, "format": "csv"})
    job = db.session.scalars(select(ExportJob)).one()
    assert job.filters["faculty"] == "Business"
    job.filters = {**job.filters, "as_of": AS_OF.isoformat()}
    db.session.commit()
    jobs.run_pending()
    response = client.get(f"/reports/exports/{job.id}/download")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    response.close()
    assert len(rows) == 3 == count_records(nl(kopi, faculty="Business"))


def test_a_too_long_faculty_is_refused_by_the_service(kopi: World, db: Any) -> None:
    import dataclasses

    import pytest

    from coil.core.errors import ServiceError
    from coil.courses.services import CourseData, check_course_data

    course = kopi.courses["nl"]
    data = CourseData(
        title=course.title,
        first_day=course.first_day,
        last_day=course.last_day,
        timezone=course.timezone,
        working_languages=[("en", "B2")],
    )
    check_course_data(dataclasses.replace(data, faculty="x" * 120))
    with pytest.raises(ServiceError) as refused:
        check_course_data(dataclasses.replace(data, programme="x" * 121))
    assert refused.value.field == "programme"
