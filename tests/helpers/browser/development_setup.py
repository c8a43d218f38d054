"""Two new people of a branch for the 备案 journey, with their history up to the recommendation.

Run as `python -m tests.helpers.browser.development_setup BRANCH PREFIX` with the server's LEARNAPP_*
environment (LiveServer.run_module). Their application, the talk and the recommendation are
history (as a register import gives them), dated months back; the journey's branch admin then
determines them as activists in the site and files them. Prints one JSON line: login ID and name
of each.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from sqlalchemy import select

from learnapp import clock, create_app
from learnapp.accounts import services as accounts
from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.demo import DEMO_PASSWORD
from learnapp.development.history import record_history
from learnapp.org.models import Branch
from learnapp.security import SYSTEM


def main(branch_name: str, prefix: str) -> int:
    app = create_app()
    people = []
    with app.app_context():
        branch = db.session.scalars(select(Branch).where(Branch.name == branch_name)).first()
        today = clock.today()
        for n, name in enumerate((f"{prefix}甲", f"{prefix}乙"), start=1):
            login_id = f"{'p' if prefix.startswith('手机') else 'c'}filing{n}"
            person, _password = accounts.create_user(SYSTEM, login_id=login_id, name=name, branch=branch,
                                                     stage=Stage.applicant, stage_since=today - timedelta(days=120),
                                                     password=DEMO_PASSWORD, audit_entry=False, known_password=True)
            person.must_change_password = False
            record_history(SYSTEM, person, "application_talk", today - timedelta(days=110), audit_entry=False)
            record_history(SYSTEM, person, "activist_recommended", today - timedelta(days=100),
                           data={"method": "party_member"}, audit_entry=False)
            people.append({"login_id": login_id, "name": name, "id": person.id})
        db.session.commit()
    print(json.dumps(people, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
