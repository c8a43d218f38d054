"""The register facts of a person: how written values map to them, the person form and page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learnapp.accounts import person_fields
from learnapp.accounts.models import User
from learnapp.audit.models import AuditEntry

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize("written,expected", [
    ("2023.05", (date(2023, 5, 1), "month")),
    ("2023-5-8", (date(2023, 5, 8), "day")),
    ("2023年5月8日", (date(2023, 5, 8), "day")),
    ("2023年5月", (date(2023, 5, 1), "month")),
    ("2023/05/08", (date(2023, 5, 8), "day")),
    ("20230508", (date(2023, 5, 8), "day")),
    ("202305", (date(2023, 5, 1), "month")),
    ("２０２３．０５", (date(2023, 5, 1), "month")),
    ("２０２３年５月８日", (date(2023, 5, 8), "day")),
    (2023.1, (date(2023, 10, 1), "month")),  # Excel's number 2023.10
    (date(2023, 5, 8), (date(2023, 5, 8), "day")),
])
def test_register_dates_in_every_form(app, written, expected):
    found = person_fields.parse_register_date(written, today=TODAY)
    assert (found.day, found.precision) == expected


@pytest.mark.parametrize("written", ["2023.13", "2023.02.30", "明年", "2023", "05.2023", "2027.01", "1899.12"])
def test_bad_register_dates_are_refused_with_a_reason(app, written):
    with pytest.raises(ValueError) as caught:
        person_fields.parse_register_date(written, today=TODAY)
    assert str(caught.value)


def test_vocabularies_accept_common_variants(app):
    assert person_fields.normalise_gender("男性") == "男"
    assert person_fields.normalise_ethnicity("汉") == person_fields.normalise_ethnicity("汉族") == "汉族"
    assert person_fields.normalise_ethnicity("维吾尔") == "维吾尔族"
    assert [person_fields.normalise_education(v) for v in ("硕士", "博士研究生", "本科", "大学", "大专", "初中")] == \
        ["研究生", "研究生", "大学本科", "大学本科", "大学专科", "初中及以下"]
    assert person_fields.normalise_job_category("专业技术人员") == "专业技术"
    assert len(person_fields.ETHNICITIES) == 56
    for bad, normalise in (("火星族", person_fields.normalise_ethnicity), ("博士后", person_fields.normalise_education),
                           ("不明", person_fields.normalise_gender), ("学生", person_fields.normalise_job_category)):
        with pytest.raises(ValueError):
            normalise(bad)


def test_the_lists_are_configurable(app):
    app.config["PERSON_JOB_CATEGORIES"] = {"窗口服务": ("窗口",), "其他": ()}
    assert person_fields.normalise_job_category("窗口") == "窗口服务"
    with pytest.raises(ValueError):
        person_fields.normalise_job_category("一线")


def _edit_data(person, **changes):
    data = {"name": person.name, "login_id": person.login_id, "branch_id": person.branch_id, "gender": "女",
            "ethnicity": "回", "birth_date": "1990.05", "education": "大学本科", "job_category": "一线",
            "department": "办公室科员"}
    return {**data, **changes}


def test_person_form_saves_and_shows_the_register_facts(client, org, login, db, clock):
    login(org.admin_a)
    person = org.learner_a
    response = client.post(f"/people/{person.id}/edit", data=_edit_data(person))
    assert response.status_code == 302
    saved = db.session.get(User, person.id)
    assert (saved.gender, saved.ethnicity, saved.birth_date, saved.birth_date_precision, saved.job_category) == \
        ("女", "回族", date(1990, 5, 1), "month", "一线")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.profile")).one()
    assert entry.details["after"]["birth_date"] == "1990.05"
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "1990.05" in page and "回族" in page and "办公室科员" in page
    form = client.get(f"/people/{person.id}/edit").get_data(as_text=True)
    assert 'value="1990.05"' in form and '<option value="汉族">' in form


def test_person_form_names_every_wrong_value(client, org, login, db, clock):
    login(org.admin_a)
    person = org.learner_a
    response = client.post(f"/people/{person.id}/edit",
                           data=_edit_data(person, ethnicity="火星族", birth_date="1990.13", phone="123"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    errors = page.split('<p class="error" role="alert">')[1:]
    assert len(errors) == 3  # ethnic group, birth date and mobile, each on its field
    assert any("火星族" in e.split("</p>")[0] for e in errors) and any("1990.13" in e.split("</p>")[0] for e in errors)
    assert db.session.get(User, person.id).ethnicity is None


def test_new_person_with_register_facts(client, org, login, db, clock):
    login(org.admin_a)
    data = {"name": "新人", "login_id": "newbie", "branch_id": org.branch_a.id, "stage": "applicant",
            "gender": "男", "ethnicity": "汉族", "birth_date": "2000-01-02", "education": "", "job_category": "",
            "department": ""}
    assert client.post("/people/new", data=data).status_code == 200
    person = db.session.scalar(select(User).where(User.login_id == "newbie"))
    assert (person.gender, person.birth_date, person.birth_date_precision) == ("男", date(2000, 1, 2), "day")
