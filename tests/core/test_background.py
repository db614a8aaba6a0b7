"""core.background: work runs with an app context of its own, inline under TESTING and in a thread otherwise."""
import threading

import pytest
from flask import current_app
from flask.globals import app_ctx

from core import background


@pytest.mark.parametrize("testing, inline", [(True, True), (False, False)])
def test_work_runs_in_an_app_context_of_its_own(app, testing, inline):
    seen, finished, caller = [], threading.Event(), threading.current_thread()

    def work(value):
        seen.append((value, current_app._get_current_object() is app, app_ctx._get_current_object() is not outer,
                     threading.current_thread() is caller))
        finished.set()

    app.config["TESTING"] = testing
    with app.app_context() as outer:
        background.start(work, 7)
    assert finished.wait(5)
    assert seen == [(7, True, True, inline)]
