"""``{% select_options %}``: escaped, the chosen value selected whatever its type, a skipped value left out."""

from django.template import Context, Template


def render(choices, selected, skip=""):
    template = Template("{% load option_tags %}{% select_options choices selected skip=skip %}")
    return template.render(Context({"choices": choices, "selected": selected, "skip": skip}))


def test_values_and_labels_are_escaped_and_the_chosen_one_selected():
    html = render([(1, "城东区"), (2, '<b>"李𪚥"</b>')], 2)
    assert html == (
        '<option value="1">城东区</option>'
        '<option value="2" selected>&lt;b&gt;&quot;李𪚥&quot;&lt;/b&gt;</option>'
    )


def test_a_value_typed_in_the_query_string_selects_the_same_number():
    assert (
        render([(7, "甲"), (17, "乙")], "17")
        == '<option value="7">甲</option><option value="17" selected>乙</option>'
    )


def test_nothing_selected_and_a_skipped_value():
    html = render([("draft", "草稿"), ("pending", "待审核")], None, skip="draft")
    assert html == '<option value="pending">待审核</option>'
