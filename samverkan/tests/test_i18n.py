"""Swedish by default, English from the language switch, and a complete English catalog (ADR 4).

The catalog tests fail when a developer adds a Swedish source string without translating it:
that is intended. Run makemessages (see `_makemessages_args`), fill in the English msgstr in
locale/en/LC_MESSAGES/django.po and rebuild the .mo with `make messages`."""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
EN_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")

LOGIN = "/konto/logga-in/"
SET_LANGUAGE = "/sprak/"
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
PLACEHOLDER = re.compile(r"%\(\w+\)[a-z]")


def _choose(client, language, next_url=LOGIN):
    response = client.post(SET_LANGUAGE, {"language": language, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    return response


def _page(client, url=LOGIN, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response, response.content.decode()


def _main_nav(body):
    match = re.search(r'<nav [^>]*class="main-nav">(.*?)</nav>', body, re.S)
    assert match, "no main navigation on the page"
    return re.findall(r"<a [^>]*>([^<]*)</a>", match.group(1))


# --- the language the pages are in ---------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, ENGLISH_BROWSER], ids=["no-header", "english-browser"])
def test_login_page_is_swedish_by_default(client, db, headers):
    # The browser's Accept-Language is ignored on purpose: only the switch changes the language.
    response, body = _page(client, **headers)
    assert '<html lang="sv">' in body
    assert "Logga in" in body and "Användarnamn" in body and "Hoppa till innehållet" in body
    assert "Log in" not in body
    assert response["Content-Language"] == "sv"


def test_switching_to_english_gives_an_english_login_page(client, db):
    _choose(client, "en")
    response, body = _page(client)
    assert '<html lang="en">' in body
    assert "<title>Log in – Samverkan</title>" in body
    assert "Log in" in body and "Username" in body and "Skip to content" in body
    assert "Change language" in body
    assert "Logga in" not in body and "Användarnamn" not in body
    assert response["Content-Language"] == "en"


def test_english_choice_wins_over_a_swedish_browser(client, db):
    _choose(client, "en")
    _response, body = _page(client, HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9")
    assert '<html lang="en">' in body and "Log in" in body


def test_logged_in_officer_gets_english_navigation(fk_officer, login):
    client = login(fk_officer)
    _response, body = _page(client, "/")
    assert _main_nav(body) == [
        "Ärenden",
        "Att göra",
        "Sök person",
        "Beredningsgrupp",
        "Statistik",
        "Rapporter",
        "Arbetsplaner",
        "Avvikelser",
        "Export",
    ]

    _choose(client, "en", next_url="/")
    _response, body = _page(client, "/")
    assert '<html lang="en">' in body
    assert _main_nav(body) == [
        "Cases",
        "To do",
        "Find a person",
        "Preparation group",
        "Statistics",
        "Reports",
        "Work plans",
        "Deviations",
        "Export",
    ]
    assert '<nav aria-label="Main menu"' in body
    assert "<h1>My cases</h1>" in body and "Log out" in body
    assert "Logga ut" not in body and "Mina ärenden" not in body
    # the role is stored in Swedish and shown in the interface's language
    assert 'data-testid="user-role">Personal case officer (FK)</span>' in body


def test_switching_back_to_swedish(client, db):
    _choose(client, "en")
    _page(client)
    _choose(client, "sv")
    response, body = _page(client, **ENGLISH_BROWSER)
    assert '<html lang="sv">' in body and "Logga in" in body
    assert "Log in" not in body
    assert response["Content-Language"] == "sv"


def test_unknown_language_in_the_cookie_falls_back_to_swedish(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    _response, body = _page(client)
    assert '<html lang="sv">' in body and "Logga in" in body


# --- the English catalog -------------------------------------------------------------------


def _parse_po(path):
    """{(msgctxt, msgid): entry} from a .po file; entry holds msgid_plural, msgstr and flags.

    Enough of the PO format for Django's catalogs: comments, flags, msgctxt, plural forms and
    strings continued over several lines. Obsolete (#~) entries are skipped."""
    entries, entry, key = {}, None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries[(entry.get("msgctxt"), entry["msgid"])] = entry

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry:
                finish()
                entry = None
            entry = entry or {"flags": set(), "msgstr": {}}
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += value
            else:
                entry[key[0]] += value
            continue
        keyword, _, rest = line.partition(" ")
        value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and entry is not None and "msgid" in entry:
            finish()
            entry = None
        entry = entry or {"flags": set(), "msgstr": {}}
        match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
        if match:
            key = ("msgstr", int(match.group(1) or 0))
            entry["msgstr"][key[1]] = value
        else:
            key = (keyword, None)
            entry[keyword] = value
    finish()
    return entries


@pytest.fixture(scope="module")
def catalog():
    entries = _parse_po(EN_PO)
    header = entries.pop((None, ""))
    return header, entries


def test_catalog_header_is_english_utf8(catalog):
    header, entries = catalog
    text = header["msgstr"][0]
    assert "Language: en\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text
    assert "fuzzy" not in header["flags"]
    assert len(entries) > 100


def test_every_string_has_an_english_translation(catalog):
    # Fails whenever a string is added without being translated: intended.
    _header, entries = catalog
    untranslated = [
        msgid
        for (_ctx, msgid), entry in entries.items()
        if not entry["msgstr"]
        or any(not s.strip() for s in entry["msgstr"].values())
        or ("msgid_plural" in entry and sorted(entry["msgstr"]) != [0, 1])
    ]
    fuzzy = [msgid for (_ctx, msgid), entry in entries.items() if "fuzzy" in entry["flags"]]
    assert not untranslated, f"untranslated in {EN_PO.relative_to(ROOT)}: {untranslated}"
    assert not fuzzy, f"fuzzy (unchecked) translations in {EN_PO.relative_to(ROOT)}: {fuzzy}"


def test_translations_keep_their_placeholders(catalog):
    _header, entries = catalog
    wrong = []
    for (_ctx, msgid), entry in entries.items():
        sources = [msgid, entry.get("msgid_plural", msgid)]
        for index, msgstr in entry["msgstr"].items():
            expected = sorted(PLACEHOLDER.findall(sources[min(index, 1)]))
            if sorted(PLACEHOLDER.findall(msgstr)) != expected:
                wrong.append((msgid, msgstr))
    assert not wrong


def test_compiled_catalog_matches_the_po(catalog):
    # A translation edited in the .po but not compiled (`make messages`) would not show.
    _header, entries = catalog
    with EN_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for (ctx, msgid), entry in entries.items():
        if "msgid_plural" in entry:
            plural = entry["msgid_plural"]
            got = [
                compiled.npgettext(ctx, msgid, plural, n)
                if ctx
                else compiled.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
            want = [entry["msgstr"][0], entry["msgstr"][1]]
        else:
            got = compiled.pgettext(ctx, msgid) if ctx else compiled.gettext(msgid)
            want = entry["msgstr"][0]
        if got != want:
            stale.append(msgid)
    assert not stale, "django.mo is out of date; run `make messages`: " + repr(stale)


def _makemessages_args():
    return [
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        "en",
        "--ignore=.venv",
        "--ignore=.data",
        "--ignore=staticfiles",
        "--ignore=test-artifacts",
        "--no-obsolete",
    ]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalog_holds_every_string_in_the_source(catalog, tmp_path):
    """A string marked for translation but never extracted would show in Swedish to English
    users. makemessages runs on a copy of the project, so the working tree is not touched."""
    _header, entries = catalog
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "staticfiles", "test-artifacts", "node_modules", "__pycache__", "*.mo"
        ),
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samverkan.settings.test"}
    result = subprocess.run(
        _makemessages_args(), cwd=copy, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    extracted = _parse_po(copy / EN_PO.relative_to(ROOT))
    extracted.pop((None, ""))
    missing = sorted(msgid for (_ctx, msgid) in extracted.keys() - entries.keys())
    assert not missing, (
        "strings not in locale/en/LC_MESSAGES/django.po; run `"
        + " ".join(["python", *_makemessages_args()[1:]])
        + "`, translate them and run `make messages`: "
        + repr(missing)
    )
