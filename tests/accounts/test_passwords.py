"""Password rules, hashing of every kind of password, temporary passwords that expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from learnapp.accounts import passwords, services
from learnapp.accounts.models import Stage, User
from learnapp.accounts.roster import import_roster_file
from learnapp.errors import DomainError
from learnapp.security import SYSTEM
from tests.helpers import factories
from tests.helpers.roster_files import csv_bytes

GOOD = "a walk by the river"


def _refused(password: str, **who) -> str:
    with pytest.raises(DomainError) as caught:
        passwords.check_password_strength(password, **who)
    return caught.value.messages[0]


def test_twelve_characters_of_any_kind(app):
    assert "12" in _refused("password1")  # the review's example
    assert "12" in _refused("Zq8#vLm2pX!")  # 11 characters, however mixed
    passwords.check_password_strength("zq8 vlm2px r")
    passwords.check_password_strength("tea with milk at noon")  # a passphrase: letters only is fine
    passwords.check_password_strength("今天下午三点去支部学习党史")  # Chinese characters count one each
    assert "12" in _refused("今天下午去支部学习党史")  # 11 of them


@pytest.mark.parametrize("password", [
    "Password1234", "PASSWORD2026", "woaini1314520", "5201314woaini", "QWERTYUIOP123", "1qaz2wsx3edc",
    "1q2w3e4r5t6y", "123456789012", "zhangwei123456", "wangfang5201314", "learnapp2026", "xuexiqiangguo123",
    "aaaaaaaaaaaa", "abcabcabcabc", "121212121212", "P@ssw0rd!2024", "iloveyou1234",
])
def test_common_passwords_are_refused_whatever_the_case(app, password):
    assert "常见" in _refused(password)  # Chinese: the default language


def test_the_list_ships_with_the_package_and_is_large(app):
    common = passwords.common_passwords()
    assert len(common) > 5000 and "woaini1314520" in common and all(word == word.lower() for word in common)


def test_the_login_id_and_name_may_not_be_in_the_password(app):
    assert "登录名" in _refused("my id is zhao2026 ok", login_id="Zhao2026")
    assert "姓名" in _refused("我是王建国我爱学习党史课程", name="王建国")
    assert "姓名" in _refused("hello zhao jianguo 1", name="Zhao Jianguo")
    passwords.check_password_strength("a walk by the river", login_id="ab", name="王")  # too short to matter


def test_a_weak_new_password_is_refused_on_the_form(client, org, login, db):
    login(org.learner_a)
    before = org.learner_a.password_hash
    response = client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                      "new_password": "password1", "confirm": "password1"})
    assert response.status_code == 200 and "12" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, org.learner_a.id).password_hash == before


def test_the_demo_and_fixtures_path_skips_the_rules_and_nothing_else_does(app, org, db):
    with pytest.raises(DomainError):
        services.create_user(SYSTEM, login_id="weak1", name="弱密码", branch=org.branch_a, password="demo2026")
    user, _generated = services.create_user(SYSTEM, login_id="demo1", name="演示", branch=org.branch_a,
                                            password="demo2026", known_password=True)
    assert passwords.password_matches(user, "demo2026")


def test_create_admin_on_the_command_line_checks_the_password(app, org):
    runner = CliRunner()
    weak = runner.invoke(app.cli, ["users", "create-admin", "--login-id", "boss", "--name", "书记",
                                   "--password", "password1"])
    assert weak.exit_code == 1 and "12" in weak.output
    ok = runner.invoke(app.cli, ["users", "create-admin", "--login-id", "boss", "--name", "书记", "--password", GOOD])
    assert ok.exit_code == 0, ok.output


class TestHashing:
    @pytest.fixture
    def app_config(self):
        # A method other than the suite's default, so a hash of the wrong method shows.
        return {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:2000"}

    def test_temporary_reset_and_own_passwords_all_use_the_configured_method(self, app, org, db):
        user, temporary = services.create_user(org.admin_a, login_id="new1", name="新人", branch=org.branch_a)
        assert user.password_hash.startswith("pbkdf2:sha256:2000$") and passwords.password_matches(user, temporary)
        reset = passwords.reset_password(org.admin_a, org.learner_a)
        assert org.learner_a.password_hash.startswith("pbkdf2:sha256:2000$")
        passwords.change_password(org.learner_a, reset, GOOD)
        assert org.learner_a.password_hash.startswith("pbkdf2:sha256:2000$")

    def test_roster_initial_passwords_are_keyed_hashes_that_sign_in(self, app, org, db):
        data = csv_bytes([["张三", "3001", "甲支部", "入党申请人", "", ""]])
        result = import_roster_file(org.admin_a, "r.csv", data)
        person = db.session.scalar(select(User).where(User.login_id == "3001"))
        initial = result.passwords["3001"]
        assert person.password_hash.startswith(passwords.KEYED_PREFIX) and initial not in person.password_hash
        assert passwords.password_matches(person, initial) and not passwords.password_matches(person, initial + "x")
        # A different secret key: the stored value says nothing (the key is outside the database).
        app.config["SECRET_KEY"] = "another-key"
        assert not passwords.password_matches(person, initial)
        app.config["SECRET_KEY"] = "test-secret"
        passwords.change_password(person, initial, GOOD)
        assert person.password_hash.startswith("pbkdf2:sha256:2000$") and person.password_expires_at is None

    def test_an_older_hash_is_replaced_at_the_next_sign_in(self, app, client, org, db):
        from werkzeug.security import generate_password_hash

        org.learner_a.password_hash = generate_password_hash(factories.PASSWORD, method="pbkdf2:sha256:1000")
        db.session.commit()
        assert client.post("/login", data={"login_id": "learner_a", "password": factories.PASSWORD}).status_code == 302
        db.session.expire_all()
        assert db.session.get(User, org.learner_a.id).password_hash.startswith("pbkdf2:sha256:2000$")


def test_roster_import_of_many_people_hashes_fast(app, org, db):
    """Many people in one request: the initial passwords are keyed hashes, not one scrypt each
    (~85 ms apiece: 500 people would take 40 s, past a worker's timeout)."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    rows = [[f"学员{i}", f"r{i:04d}", "甲支部", "入党申请人", "", ""] for i in range(120)]
    result = import_roster_file(org.admin_a, "big.csv", csv_bytes(rows))
    assert result.created == 120 and len(set(result.passwords.values())) == 120
    hashes = db.session.scalars(select(User.password_hash).where(User.login_id.like("r%"))).all()
    assert all(h.startswith(passwords.KEYED_PREFIX) for h in hashes)


class TestTemporaryPasswords:
    def _sign_in(self, client, password):
        return client.post("/login", data={"login_id": "learner_a", "password": password})

    def test_a_reset_password_works_for_72_hours_and_forces_a_change(self, app, client, org, db, clock):
        temporary = passwords.reset_password(org.admin_a, org.learner_a)
        db.session.commit()
        clock.advance(hours=71, minutes=59)
        assert self._sign_in(client, temporary).status_code == 302
        assert client.get("/").headers["Location"].endswith("/account/password")

    def test_after_72_hours_it_is_refused_and_says_so_only_to_its_holder(self, app, client, org, db, clock):
        temporary = passwords.reset_password(org.admin_a, org.learner_a)
        db.session.commit()
        clock.advance(hours=72)
        expired = self._sign_in(client, temporary)
        assert expired.status_code == 200 and "临时密码已过期" in expired.get_data(as_text=True)
        wrong = self._sign_in(client, "not-the-password")
        assert wrong.status_code == 200 and "过期" not in wrong.get_data(as_text=True)

    def test_the_expiry_is_a_setting_and_shown_to_the_admin(self, app, client, org, login, db, clock):
        app.config["TEMPORARY_PASSWORD_HOURS"] = 1
        login(org.admin_a)
        page = client.post(f"/people/{org.learner_a.id}/password")
        assert page.status_code == 200
        db.session.expire_all()
        learner = db.session.get(User, org.learner_a.id)
        assert learner.password_expires_at == clock.now() + timedelta(hours=1)
        assert "临时密码有效期至" in client.get(f"/people/{org.learner_a.id}").get_data(as_text=True)

    def test_a_new_person_gets_an_expiring_temporary_password(self, app, org, db, clock):
        user, temporary = services.create_user(org.admin_a, login_id="new2", name="新人二", branch=org.branch_a,
                                               stage=Stage.applicant)
        assert temporary and user.must_change_password
        assert user.password_expires_at == clock.now() + timedelta(hours=72)

