"""Views of the quizzes domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quizzes", __name__)
