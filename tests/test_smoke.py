from learnapp.accounts.models import Stage


def test_login_and_home(client, org, login):
    login(org.learner_a)
    page = client.get("/")
    assert page.status_code == 200
    assert org.learner_a.name in page.get_data(as_text=True)


def test_home_requires_login(client, org):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_wrong_password(client, org):
    response = client.post("/login", data={"login_id": "learner_a", "password": "nope"})
    assert response.status_code == 200
    assert Stage.activist
