"""The rules engine's pure core: validation in words, facts asked for, decisions, order."""

from datetime import date

import pytest

from badges import evaluation, rules

TODAY = date(2026, 11, 23)


def decide(rule, facts=None, held=()):
    names = held if isinstance(held, dict) else {slug: slug for slug in held}
    return evaluation.evaluate(rule, facts or {}, names, TODAY)


def count_fact(rule, value):
    return {rules.fact_request(rule, TODAY): value}


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"type": "event_count"}, "'min' is missing"),
        ({"type": "event_count", "min": 0}, "min"),
        ({"type": "wizardry"}, "unknown rule type 'wizardry'"),
        (
            {"type": "coverage", "item": "FPC1", "min_signed_off": 1},
            "not a curriculum item reference",
        ),
        ({"type": "cpd_credits", "min": 5, "window": {"weeks": 2}}, "a window is either"),
        ({"type": "badges", "of": ["a"], "at_least": 2}, "asks for 2 of only 1 badges"),
        (
            {"type": "coverage", "item": "a/1/B", "min_signed_off": 1, "signed_off_only": True},
            "unknown field",
        ),
        ({"type": "badges"}, "give either"),
        ({"type": "event_count", "min": 1, "colour": "red"}, "unknown field"),
        ({"type": "all", "rules": [{"type": "event_count", "min": 1}, {"type": "nope"}]}, "rule 2"),
        (
            {"type": "event_count", "min": 1, "signed_off_only": "yes"},
            "signed_off_only: must be true or false.",
        ),
        (
            {"type": "all", "rules": [{"type": "cpd_credits", "min": 5, "signed_off_only": 1}]},
            "rule 1 → signed_off_only: must be true or false.",
        ),
    ],
)
def test_invalid_rules_are_explained_in_words(rule, problem):
    with pytest.raises(rules.RuleError) as error:
        rules.validate(rule)
    assert any(problem in p for p in error.value.problems), error.value.problems


def test_every_shipped_kind_of_rule_validates():
    rules.validate(
        {
            "type": "all",
            "rules": [
                {"type": "event_count", "min": 5, "kinds": ["social_media"], "tags": ["host"],
                 "items": ["uk-foundation/2021/FPC10"], "signed_off_only": True, "provider": "RCP",
                 "window": {"academic_year": True}},
                {"type": "cpd_credits", "min": 12.5, "window": {"last_days": 365},
                 "signed_off_only": True},
                {"type": "coverage", "item": "uk-foundation/2021/HLO1", "min_signed_off": 1},
                {"type": "any", "rules": [{"type": "badges", "all": ["a"]},
                                          {"type": "badges", "of": ["a", "b"], "at_least": 1}]},
                {"type": "attendance", "programme": "fy-teaching", "min_percent": 80,
                 "mandatory_only": True},
            ],
        }
    )  # fmt: skip


@pytest.mark.parametrize(("count", "met"), [(4, False), (5, True), (9, True)])
def test_entry_count_threshold_at_the_edge(count, met):
    rule = {"type": "event_count", "min": 5, "kinds": ["social_media"]}
    result = decide(rule, count_fact(rule, evaluation.Tally(entries=count)))
    assert result.met is met
    assert (result.current, result.target) == (min(count, 5), 5)
    assert result.label == "social media entries"


def test_windows_start_where_they_should():
    assert rules.window_start({"last_days": 1}, TODAY) == TODAY
    assert rules.window_start({"last_days": 30}, TODAY) == date(2026, 10, 25)
    assert rules.window_start({"academic_year": True}, TODAY) == date(2026, 8, 1)
    assert rules.window_start({"academic_year": True}, date(2026, 7, 31)) == date(2025, 8, 1)
    assert rules.window_start({"academic_year": True}, date(2026, 8, 1)) == date(2026, 8, 1)


def test_requiring_sign_off_is_part_of_the_fact_asked_for():
    for kind in ("event_count", "cpd_credits"):
        plain = rules.fact_request({"type": kind, "min": 1}, TODAY)
        signed = rules.fact_request({"type": kind, "min": 1, "signed_off_only": True}, TODAY)
        assert plain != signed


def test_a_window_is_part_of_the_fact_asked_for():
    a = rules.fact_request({"type": "cpd_credits", "min": 1, "window": {"last_days": 7}}, TODAY)
    b = rules.fact_request({"type": "cpd_credits", "min": 1}, TODAY)
    assert a != b and a == ("cpd_credits", False, date(2026, 11, 17))


@pytest.mark.parametrize(
    ("attended", "sessions", "met"), [(7, 10, False), (8, 10, True), (4, 5, True), (0, 0, False)]
)
def test_attendance_percentage_rounds_up_the_sessions_needed(attended, sessions, met):
    rule = {"type": "attendance", "programme": "fy-teaching", "min_percent": 80}
    fact = evaluation.Attendance(attended=attended, sessions=sessions)
    assert decide(rule, count_fact(rule, fact)).met is met


def test_coverage_needs_every_item_underneath():
    rule = {"type": "coverage", "item": "uk-foundation/2021/HLO1", "min_signed_off": 1}
    assert not decide(rule, count_fact(rule, evaluation.Coverage(covered=4, total=5))).met
    assert decide(rule, count_fact(rule, evaluation.Coverage(covered=5, total=5))).met


def test_badges_all_and_at_least():
    assert decide({"type": "badges", "all": ["a", "b"]}, held={"a", "b", "c"}).met
    assert not decide({"type": "badges", "all": ["a", "b"]}, held={"a"}).met
    result = decide({"type": "badges", "of": ["a", "b", "c"], "at_least": 2}, held={"c"})
    assert not result.met and (result.current, result.target) == (1, 2)


def test_all_and_any_combine():
    one = {"type": "event_count", "min": 1, "kinds": ["reading"]}
    two = {"type": "cpd_credits", "min": 10}
    facts = {
        **count_fact(one, evaluation.Tally(entries=1)),
        **count_fact(two, evaluation.Tally(1, credits=3)),
    }
    assert not decide({"type": "all", "rules": [one, two]}, facts).met
    assert decide({"type": "any", "rules": [one, two]}, facts).met


def test_badges_are_ordered_after_those_they_stack_on():
    order = rules.evaluation_order(
        {
            "super": {"type": "badges", "all": ["regular", "host"]},
            "regular": {"type": "badges", "all": ["once"]},
            "host": None,
            "once": {"type": "event_count", "min": 1},
        }
    )
    assert order.index("once") < order.index("regular") < order.index("super")
    assert order.index("host") < order.index("super")


def test_circular_stacking_is_refused():
    with pytest.raises(rules.RuleError, match="circle"):
        rules.evaluation_order(
            {"a": {"type": "badges", "all": ["b"]}, "b": {"type": "badges", "all": ["a"]}}
        )


# --- What a rule met records ---------------------------------------------------------------------


def test_a_count_rule_records_the_entries_counted_their_dates_and_sign_offs():
    rule = {"type": "event_count", "min": 5, "kinds": ["social_media"], "signed_off_only": True}
    tally = evaluation.Tally(
        entries=6, signed_off=6, first=date(2026, 8, 1), last=date(2026, 10, 12)
    )
    result = decide(rule, count_fact(rule, tally))
    assert result.met and result.label == "signed-off social media entries"
    assert result.achieved == {
        "type": "event_count",
        "noun": "social media entries",
        "entries": 6,
        "signed_off": 6,
        "signed_off_only": True,
        "first": "2026-08-01",
        "last": "2026-10-12",
    }


def test_a_cpd_rule_records_the_credits_and_the_entries_they_came_from():
    rule = {"type": "cpd_credits", "min": 20}
    tally = evaluation.Tally(
        12, signed_off=4, first=date(2026, 1, 5), last=date(2026, 11, 2), credits=24.5
    )
    assert decide(rule, count_fact(rule, tally)).achieved == {
        "type": "cpd_credits",
        "credits": 24.5,
        "entries": 12,
        "signed_off": 4,
        "signed_off_only": False,
        "first": "2026-01-05",
        "last": "2026-11-02",
    }


def test_coverage_attendance_and_badges_record_what_they_measured():
    coverage = {"type": "coverage", "item": "uk-foundation/2021/HLO1", "min_signed_off": 2}
    attendance = {"type": "attendance", "programme": "fy-teaching", "min_percent": 80}
    badges = {"type": "badges", "of": ["a", "b", "c"], "at_least": 2}
    facts = {
        **count_fact(coverage, evaluation.Coverage(covered=5, total=5, title="Professional")),
        **count_fact(attendance, evaluation.Attendance(attended=4, sessions=5, programme="FY1")),
    }
    result = decide(
        {"type": "all", "rules": [coverage, attendance, badges]},
        facts,
        held={"c": "Badge C", "a": "Badge A"},
    )
    assert result.met
    assert result.achieved == {
        "type": "all",
        "rules": [
            {
                "type": "coverage",
                "item": "uk-foundation/2021/HLO1",
                "title": "Professional",
                "covered": 5,
                "items": 5,
                "min_signed_off": 2,
            },
            {
                "type": "attendance",
                "programme": "FY1",
                "attended": 4,
                "sessions": 5,
                "mandatory_only": False,
            },
            {"type": "badges", "held": ["Badge A", "Badge C"]},
        ],
    }


def test_any_records_only_the_alternatives_that_were_met():
    reading = {"type": "event_count", "min": 1, "kinds": ["reading"]}
    credits = {"type": "cpd_credits", "min": 10}
    facts = {
        **count_fact(reading, evaluation.Tally(entries=0)),
        **count_fact(credits, evaluation.Tally(3, credits=12)),
    }
    result = decide({"type": "any", "rules": [reading, credits]}, facts)
    assert result.met
    assert [part["type"] for part in result.achieved["rules"]] == ["cpd_credits"]


def test_what_a_count_records_it_counted_leaves_sign_off_to_the_sign_off_count():
    rule = {
        "type": "event_count",
        "min": 15,
        "kinds": ["elearning"],
        "signed_off_only": True,
        "label": "signed-off curriculum e-learning modules",
    }
    result = decide(rule, count_fact(rule, evaluation.Tally(entries=15, signed_off=15)))
    assert result.label == "signed-off curriculum e-learning modules"
    assert result.achieved["noun"] == "curriculum e-learning modules"
    plain = {"type": "event_count", "min": 1, "kinds": ["elearning"]}
    assert decide(plain, count_fact(plain, evaluation.Tally(entries=1))).achieved["noun"] == (
        "e-learning entries"
    )
