"""The worklist on a laptop screen (1366x768): one line per case and at least 20 cases on the
first screen, for an officer and for a coordinator (whose page has more buttons and filters).

Measured in the browser: the bottom of the column heads plus 20 rows of the tallest row's height
must fit the viewport; a row taller than one line (a wrapped date or name, stacked flags) fails."""

import pytest

from .conftest import VIEWPORT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ONE_LINE_PX = 30  # a row of one line of text with its chips; two lines are over 40


@pytest.mark.parametrize("username", ["fk.sdt", "samordnare.sdt"])
def test_first_screen_shows_twenty_cases_one_line_each(page, live_server, login_as, username):
    login_as(page, live_server, username)
    table = page.get_by_test_id("worklist")
    table.wait_for()
    head_bottom = page.evaluate(
        "() => document.querySelector('[data-testid=worklist] thead').getBoundingClientRect().bottom"
    )
    heights = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=worklist] tbody tr')]"
        ".map(tr => tr.getBoundingClientRect().height)"
    )
    assert len(heights) >= 5, heights
    tallest = max(heights)
    assert tallest <= ONE_LINE_PX, f"en rad är {tallest:.0f} px hög: {heights}"
    first_screen = int((VIEWPORT["height"] - head_bottom) // tallest)
    assert first_screen >= 20, (
        f"bara {first_screen} ärenden syns på första skärmen "
        f"(kolumnrubrikerna slutar vid {head_bottom:.0f} px, raderna är {tallest:.0f} px)"
    )
    # The nearest deadline never wraps: its cell is one line like the rest of the row.
    date_heights = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=worklist] tbody time')]"
        ".map(t => t.getBoundingClientRect().height)"
    )
    assert date_heights and max(date_heights) < ONE_LINE_PX * 0.8, date_heights
    # Nothing of the list lies beyond the screen's right edge (the coordinator's has one column
    # more: the officers).
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"sidan är {width} px bred"
