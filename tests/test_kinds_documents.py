

def test_summary_pages_label_every_control(logged_in, closed_vote, closed_nomination):
    from tests.test_a11y_pages import assert_accessible_basics

    for round_ in (closed_vote, closed_nomination):
        html = logged_in.get(f"/rounds/{round_.id}/summary").text
        assert_accessible_basics(html, f"the {round_.kind} summary")
