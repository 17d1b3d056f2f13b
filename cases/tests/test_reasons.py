"""A stated reason counts what a reviewer will read in the log (samverkan.forms.ReasonField,
audit.access.readable_reason): invisible characters neither make up its length nor reach the log."""

from cases.forms import BreakGlassForm


def test_a_reason_of_invisible_characters_is_refused():
    form = BreakGlassForm(data={"reason": "\u200b" * 12 + "\u2060" * 4})

    assert not form.is_valid()
    assert "reason" in form.errors


def test_a_real_reason_keeps_its_words_without_the_invisible_characters():
    form = BreakGlassForm(data={"reason": " Uppföljning\u200b  av   beslut\u00ad "})

    assert form.is_valid()
    assert form.cleaned_data["reason"] == "Uppföljning av beslut"
