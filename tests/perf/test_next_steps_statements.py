"""The home page's next steps read a fixed number of statements whatever the data: the progress,
lists and quizzes are shared with the other panels; missed points, the materials teaching them and
the activities coming up are one statement each."""

from __future__ import annotations

from learnapp.db import db
from tests.helpers import nextsteps
from tests.helpers.query_counter import statements_of_get

LIMIT = 20  # the home page's statements, as tests/perf/test_query_counts.py


def test_home_with_next_steps_reads_a_fixed_number_of_statements(client, org, login):
    nextsteps.load_shipped_rules()
    s = nextsteps.build(org, org.learner_a)
    db.session.commit()
    login(org.learner_a)
    small = statements_of_get(client, "/")
    assert "下一步学习" in small.body
    nextsteps.grow(org, org.learner_a, s, 12)
    db.session.commit()
    big = statements_of_get(client, "/")
    assert "更多必读0" in big.body and "更多党课0" in big.body
    print(f"statements: {small.count} with little data, {big.count} with more")
    assert big.count <= small.count, f"{small.report()}\n--- with more data ---\n{big.report()}"
    assert big.count <= LIMIT, big.report()
