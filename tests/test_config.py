"""Configuration: defaults, instance file, environment, and the secret-key guard."""

from __future__ import annotations

import pytest

from learnapp import create_app
from learnapp.config import InsecureSecretKey


def test_refuses_development_key_in_production(tmp_path, monkeypatch):
    monkeypatch.delenv("LEARNAPP_SECRET_KEY", raising=False)
    with pytest.raises(InsecureSecretKey) as info:
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    message = str(info.value)
    assert "LEARNAPP_SECRET_KEY" in message and "开发密钥" in message


def test_environment_overrides_and_types(tmp_path, monkeypatch):
    monkeypatch.setenv("LEARNAPP_SECRET_KEY", "from-env")
    monkeypatch.setenv("LEARNAPP_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("LEARNAPP_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("LEARNAPP_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SESSION_IDLE_MINUTES"] == 15
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("LEARNAPP_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["TIMEZONE"] == "Asia/Shanghai"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "zh_CN"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["UPLOAD_FOLDER"].endswith("uploads")
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sqlite_pragmas_and_immediate_transactions(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    from sqlalchemy import text

    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_instance_setup_writes_an_audit_key(tmp_path):
    from learnapp import instance_setup

    instance_setup.main(tmp_path)
    first = (tmp_path / "config.py").read_text()
    assert "SECRET_KEY = " in first and "AUDIT_HMAC_KEY = " in first
    instance_setup.main(tmp_path)
    assert (tmp_path / "config.py").read_text() == first  # kept, not replaced
    (tmp_path / "config.py").write_text("SECRET_KEY = 'old'\n")
    instance_setup.main(tmp_path)
    upgraded = (tmp_path / "config.py").read_text()
    assert upgraded.startswith("SECRET_KEY = 'old'\n") and upgraded.count("AUDIT_HMAC_KEY = ") == 1
