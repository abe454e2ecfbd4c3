"""The task list a person can work with: 20 a page, Newer and Older, span(21, 40, 45), search
and sort, durations in hours and minutes, a message after every form, and the page,
search and sort kept through the forms."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from selteq_http.web.listing import ListState, duration_text

from .conftest import Browser, Web

TITLE = re.compile(r'<bdi class="task-title text" dir="auto">([^<]*)</bdi>')
NEXT = re.compile(r'<a rel="next" href="([^"]+)">')
PREV = re.compile(r'<a rel="prev" href="([^"]+)">')


def span(first: int, last: int, total: int) -> str:
    """The position line as the page writes it, with its en dash."""
    return f"{first}\u2013{last} of {total}"


def titles(page: str) -> list[str]:
    return [html.unescape(title) for title in TITLE.findall(page)]


def link(pattern: re.Pattern[str], page: str) -> str:
    [found] = pattern.findall(page)
    return html.unescape(found)


def seeded(web: Web, browser: Browser, count: int, name: str = "alice") -> int:
    """``count`` tasks "task 1" … made a second apart, task n lasting n minutes."""
    browser.person(name)
    user = web.user_id(name)
    for number in range(1, count + 1):
        web.api.container.create_task(user, f"task {number}", number * 45)
        web.api.clock.advance(1)
    return user


def test_twenty_a_page_newer_and_older_with_the_position(web: Web, browser: Browser) -> None:
    seeded(web, browser, 45)
    first = browser.get("/").text
    assert titles(first) == [f"task {n}" for n in range(45, 25, -1)]
    assert span(1, 20, 45) in first
    assert 'Your tasks <span class="count">(45)</span>' in first
    assert not PREV.findall(first)
    second = browser.get(link(NEXT, first)).text
    assert titles(second) == [f"task {n}" for n in range(25, 5, -1)]
    assert span(21, 40, 45) in second
    third = browser.get(link(NEXT, second)).text
    assert titles(third) == [f"task {n}" for n in range(5, 0, -1)]
    assert span(41, 45, 45) in third
    assert not NEXT.findall(third)
    back = browser.get(link(PREV, third)).text
    assert titles(back) == titles(second)
    assert span(21, 40, 45) in back
    again = browser.get(link(PREV, back)).text
    assert titles(again) == titles(first)
    assert span(1, 20, 45) in again


def test_the_position_corrects_itself_at_either_end(web: Web, browser: Browser) -> None:
    seeded(web, browser, 25)
    second = link(NEXT, browser.get("/").text)
    forged = second.replace("start=21", "start=90")
    assert span(21, 25, 25) in browser.get(forged).text  # the last page ends at the total


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("created_at", ["task 1", "task 2", "task 3"]),
        ("-duration", ["task 3", "task 2", "task 1"]),
        ("duration", ["task 1", "task 2", "task 3"]),
    ],
)
def test_sorted_as_asked(web: Web, browser: Browser, ordering: str, expected: list[str]) -> None:
    seeded(web, browser, 3)
    page = browser.get(f"/?ordering={ordering}").text
    assert titles(page) == expected
    assert f'<option value="{ordering}" selected>' in page


def test_search_titles_and_page_through_the_matches(web: Web, browser: Browser) -> None:
    seeded(web, browser, 45)
    page = browser.get("/?search=TASK+1&ordering=created_at").text
    assert titles(page) == ["task 1"] + [f"task {n}" for n in range(10, 20)]
    assert span(1, 11, 11) in page
    assert 'value="TASK 1"' in page
    none = browser.get("/?search=nothing").text
    assert "No task's title holds" in html.unescape(none)


def test_the_older_link_keeps_search_and_sort(web: Web, browser: Browser) -> None:
    seeded(web, browser, 45)
    page = browser.get("/?search=task&ordering=-duration").text
    query = parse_qs(urlsplit(link(NEXT, page)).query)
    assert query["search"] == ["task"]
    assert query["ordering"] == ["-duration"]
    assert query["start"] == ["21"]


def test_an_unknown_ordering_is_newest_first(web: Web, browser: Browser) -> None:
    seeded(web, browser, 2)
    assert titles(browser.get("/?ordering=title").text) == ["task 2", "task 1"]


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (1, "1 min"),
        (45, "45 min"),
        (60, "1 h"),
        (90, "1 h 30 min"),
        (1440, "1 d"),
        (2_147_483_647, "1,491,308 d 2 h 7 min"),
    ],
)
def test_durations_as_people_read_them(minutes: int, text: str) -> None:
    assert duration_text(minutes) == text


def test_durations_on_the_page(web: Web, browser: Browser) -> None:
    seeded(web, browser, 2)
    page = browser.get("/").text
    assert "1 h 30 min · created" in page
    assert "45 min · created" in page


def test_add_rename_delete_say_what_and_keep_the_page(web: Web, browser: Browser) -> None:
    seeded(web, browser, 45)
    second = link(NEXT, browser.get("/?search=task&ordering=-duration").text)
    page = browser.get(second).text
    state = ListState.of({k: v[0] for k, v in parse_qs(urlsplit(second).query).items()})
    assert f'name="back" value="{html.escape(state.query)}"' in page

    added = browser.post("/tasks", {"title": "task new", "duration": "5", "back": state.query})
    assert added.headers["location"].startswith(state.href())
    shown = browser.get(added.headers["location"]).text
    assert 'Added “<bdi class="text">task new</bdi>”.' in shown
    assert span(21, 40, 46) in shown

    rename_href = html.unescape(re.findall(r'href="(/tasks/\d+/rename[^"]*)"', shown)[0])
    assert "back=" in rename_href
    form = browser.get(rename_href).text
    task_id = int(re.findall(r"/tasks/(\d+)/rename", rename_href)[0])
    assert f'name="back" value="{html.escape(state.query)}"' in form
    renamed = browser.post(f"/tasks/{task_id}/rename", {"title": "Renamed", "back": state.query})
    assert renamed.headers["location"].startswith(state.href())
    assert (
        'Renamed “<bdi class="text">Renamed</bdi>”.'
        in browser.get(renamed.headers["location"]).text
    )

    browser.get(f"/tasks/{task_id}/delete?back=x")
    deleted = browser.post(f"/tasks/{task_id}/delete", {"back": state.query})
    assert deleted.headers["location"].startswith(state.href())
    assert (
        'Deleted “<bdi class="text">Renamed</bdi>”.'
        in browser.get(deleted.headers["location"]).text
    )


def test_a_plain_form_returns_to_the_plain_list(web: Web, browser: Browser) -> None:
    browser.person("alice")
    response = browser.post("/tasks", {"title": "First", "duration": "30"})
    assert response.headers["location"] == "/?done=added&what=First"


def test_a_message_only_chooses_among_fixed_sentences(web: Web, browser: Browser) -> None:
    browser.person("alice")
    page = browser.get("/?done=hacked&what=x").text
    assert 'class="notice"' not in page
    page = browser.get("/?done=added&what=%3Cscript%3E").text
    assert 'Added “<bdi class="text">&lt;script&gt;</bdi>”.' in page


def test_titles_are_isolated_and_wrap(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.create("abc\u202edef", "5")
    page = browser.get("/").text
    assert '<bdi class="task-title text" dir="auto">abc\u202edef</bdi>' in page
    assert 'dir="auto"' in browser.get("/tasks/1/rename").text
