"""The one past-due rule (reviews, credit entries, objections, questions): due today is not yet late."""

from datetime import date

from kuaiji.calendar.selectors import is_past_due


def test_due_today_is_not_late_and_the_day_after_is():
    due = date(2026, 12, 4)
    assert not is_past_due(due, today=date(2026, 12, 3))
    assert not is_past_due(due, today=due)
    assert is_past_due(due, today=date(2026, 12, 5))
    assert not is_past_due(None, today=date(2026, 12, 5))
