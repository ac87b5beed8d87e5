from pathlib import Path

import polib
import pytest

import cityloom.mentoring

LOCALE = Path(cityloom.mentoring.__file__).parent / "locale"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_mentoring_string_is_translated(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    live = [e for e in catalog if not e.obsolete]
    assert len(live) > 250
    assert [e.msgid for e in live if not e.translated() or "fuzzy" in e.flags] == []
