"""After the broker fails to take one task, the web process stops trying for a while: a hung
broker costs one save its timeout, not every save. Nothing is lost: the work is recorded in
the database and the periodic sweeps publish it later."""

import pytest
from kombu.exceptions import OperationalError

from core import tasks


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class FlakyTask:
    """Stands in for a task whose broker is unreachable, counting publish attempts."""

    name = "tests.flaky"

    def __init__(self, error=None):
        self.error = error
        self.published = []

    def apply_async(self, args):
        self.published.append(args)
        if self.error:
            raise self.error


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(tasks, "breaker", tasks.PublishBreaker(pause_seconds=30, clock=clock))
    return clock


def enqueue(task, *args, capture):
    with capture(execute=True):
        tasks.enqueue_after_commit(task, *args)


@pytest.mark.django_db
def test_after_a_broker_failure_publishing_pauses(clock, django_capture_on_commit_callbacks):
    hung = FlakyTask(OperationalError("timed out"))
    enqueue(hung, 1, capture=django_capture_on_commit_callbacks)
    enqueue(hung, 2, capture=django_capture_on_commit_callbacks)
    enqueue(hung, 3, capture=django_capture_on_commit_callbacks)
    assert hung.published == [(1,)]  # only the first save paid for the timeout


@pytest.mark.django_db
def test_publishing_resumes_once_the_pause_is_over(clock, django_capture_on_commit_callbacks):
    enqueue(FlakyTask(OSError("refused")), 1, capture=django_capture_on_commit_callbacks)
    back = FlakyTask()
    clock.now += 29
    enqueue(back, 2, capture=django_capture_on_commit_callbacks)
    assert back.published == []
    clock.now += 1
    enqueue(back, 3, capture=django_capture_on_commit_callbacks)
    assert back.published == [(3,)]


@pytest.mark.django_db
def test_a_task_error_that_is_not_the_brokers_does_not_pause(
    clock, django_capture_on_commit_callbacks
):
    enqueue(FlakyTask(ValueError("bad args")), 1, capture=django_capture_on_commit_callbacks)
    fine = FlakyTask()
    enqueue(fine, 2, capture=django_capture_on_commit_callbacks)
    assert fine.published == [(2,)]
