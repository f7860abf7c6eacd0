"""What the applicant typed against what the card says.

Requirements covered:
- the name matches exactly after normalising spaces and the middle dot (· ・ • ‧); any other difference,
  one character, a missing or extra one, is a difference;
- a typed character the engine cannot know (outside the BMP) stands for one character or none, and the
  outcome says so (除生僻字外一致) rather than "same";
- the number matches exactly (a typed lower-case x and full-width digits are the stored form), and a
  nothing-read field is "not read", never "different".
"""

from kuaiji.recognition.matching import FieldMatch, compare_name, compare_number, unknown_characters


def test_names_match_after_spaces_and_middle_dots():
    assert compare_name("张 伟", "张伟") == FieldMatch.SAME
    for dot in "·・•‧":
        assert compare_name(f"热依拉{dot}努尔", "热依拉·努尔") == FieldMatch.SAME


def test_any_other_difference_in_the_name_is_a_difference():
    assert compare_name("张伟", "张纬") == FieldMatch.DIFFERENT
    assert compare_name("张伟", "张伟伟") == FieldMatch.DIFFERENT
    assert compare_name("热依拉努尔", "热依拉·努尔") == FieldMatch.DIFFERENT


def test_a_rare_character_the_engine_cannot_know_is_left_to_the_reviewer():
    assert unknown_characters("李𠮷祥") == ["𠮷"]
    assert compare_name("李𠮷祥", "李吉祥") == FieldMatch.SAME_BUT_RARE
    assert compare_name("李𠮷祥", "李祥") == FieldMatch.SAME_BUT_RARE
    assert compare_name("李𠮷祥", "王吉祥") == FieldMatch.DIFFERENT


def test_numbers_match_exactly():
    assert compare_number("63010419900705102x", "63010419900705102X") == FieldMatch.SAME
    assert compare_number("６３０１０４１９９００７０５１０２Ｘ", "63010419900705102X") == FieldMatch.SAME
    assert compare_number("630104199007051228", "63010419900705102X") == FieldMatch.DIFFERENT


def test_a_field_not_read_is_not_a_difference():
    assert compare_name("张伟", "") == FieldMatch.NOT_READ
    assert compare_number("63010419900705102X", "") == FieldMatch.NOT_READ
