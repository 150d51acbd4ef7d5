"""The pipeline bench stops its clock only when the work is really done: nothing queued in
any priority band, nothing delivered but unacknowledged, nothing pending in the database,
on two looks in a row, and the workers confirm they hold nothing."""

from bench import pipeline


class FakeBroker:
    """The two Redis calls the check makes, over lists and a hash held in dicts."""

    def __init__(self, lists=None, hashes=None):
        self.lists = lists or {}
        self.hashes = hashes or {}

    def llen(self, key):
        return len(self.lists.get(key, []))

    def hlen(self, key):
        return len(self.hashes.get(key, {}))


def test_an_empty_broker_with_nothing_pending_is_done():
    assert pipeline.work_done(FakeBroker(), ["celery"], pending=0)


def test_a_queued_task_is_not_done():
    assert not pipeline.work_done(FakeBroker({"celery": ["task"]}), ["celery"], pending=0)


def test_a_task_queued_at_a_higher_priority_is_not_done():
    broker = FakeBroker({"celery\x06\x169": ["task"]})
    assert not pipeline.work_done(broker, ["celery"], pending=0)


def test_a_task_a_worker_holds_unacknowledged_is_not_done():
    broker = FakeBroker(hashes={"unacked": {"tag": "task"}})
    assert not pipeline.work_done(broker, ["celery"], pending=0)


def test_a_pending_evaluation_is_not_done():
    assert not pipeline.work_done(FakeBroker(), ["celery"], pending=1)


def test_other_queues_do_not_count():
    assert pipeline.work_done(FakeBroker({"other": ["task"]}), ["celery"], pending=0)


def scripted(values):
    """A callable that returns the next of `values` each time, and counts its calls."""
    values = iter(values)

    def call():
        call.calls += 1
        return next(values)

    call.calls = 0
    return call


def test_a_moment_between_queue_and_unacknowledged_does_not_stop_the_clock():
    # The first look sees nothing anywhere (a worker has just taken the message off the
    # queue and not yet recorded it); the second sees the work again.
    pending = scripted([0, 1, 1, 0, 0])
    confirm = scripted([True])
    pipeline.wait_until_done(FakeBroker(), ["celery"], pending, confirm, timeout=10)
    assert pending.calls == 5
    assert confirm.calls == 1


def test_the_workers_must_confirm_they_hold_nothing():
    pending = scripted([0] * 4)
    confirm = scripted([False, True])
    pipeline.wait_until_done(FakeBroker(), ["celery"], pending, confirm, timeout=10)
    assert confirm.calls == 2
    assert pending.calls == 4
