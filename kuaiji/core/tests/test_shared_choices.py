"""A form's choice fields share their choices with the class's field; narrowing them on one form does not
change another's."""

from django import forms

from kuaiji.core.forms import SharedChoiceField


class Pick(forms.Form):
    level = SharedChoiceField(choices=[("a", "甲"), ("b", "乙"), ("c", "𠀀丙")])


def test_copies_share_the_choices_without_copying_them():
    first, second = Pick(), Pick()
    assert first.fields["level"] is not Pick.base_fields["level"]  # still a field of its own
    assert first.fields["level"].choices is Pick.base_fields["level"].choices
    assert second.fields["level"].widget is not first.fields["level"].widget


def test_narrowing_one_form_leaves_the_others_alone():
    narrowed = Pick({"level": "c"})
    narrowed.fields["level"].choices = [("a", "甲")]
    assert not narrowed.is_valid()
    untouched = Pick({"level": "c"})
    assert untouched.is_valid(), untouched.errors
    assert [value for value, _ in untouched.fields["level"].choices] == ["a", "b", "c"]
    assert "𠀀丙" in untouched.as_div()
